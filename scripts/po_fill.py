"""Fill a .po catalogue from a Python dict of translations (msgid -> msgstr, or [plural forms]).

Usage: python scripts/po_fill.py locale/vi/LC_MESSAGES/django.po translations.py
Entries already translated are left alone unless --force. Prints what is still missing.
"""

import runpy
import sys

import polib


def main():
    po_path, table_path = sys.argv[1], sys.argv[2]
    force = "--force" in sys.argv
    table = runpy.run_path(table_path)["T"]
    po = polib.pofile(po_path)
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = po_path.split("locale/")[-1].split("/")[0]
    po.metadata_is_fuzzy = False
    for entry in po:
        if entry.msgid not in table or (entry.translated() and not force):
            continue
        value = table[entry.msgid]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po if not e.translated()]
    print(f"{len(missing)} untranslated")
    for m in missing:
        print("  ", repr(m))


if __name__ == "__main__":
    main()

"""Rows said in words: "site: groin, less common, hedged", for pop-ups and the fact sheet.

Codes are the data's own (underscores become spaces, nothing is paraphrased), so the words never
say more than the row.
"""

from __future__ import annotations

from nme_data.site.model import Row, SiteData, TableData

#: Columns every fact row has that say where the fact comes from, not what it is.
PROVENANCE = {"evidence", "source_id"}


#: Enum codes whose words are not the code's own: the article's comparison, in its words.
WORDS = {"less_common_than_glucagonoma": "less common than NME with glucagonoma"}


def code(value: str | None) -> str:
    """An enum code as words: 'less_common' -> 'less common'."""
    return WORDS.get(value or "", (value or "").replace("_", " "))


def label_column(data: TableData) -> str | None:
    """The first free-text column (not a key, code, number or foreign key): what the row is about."""
    fks = data.foreign_keys
    for name in data.table.field_names:
        if name in data.key_fields or name in PROVENANCE or name in fks:
            continue
        if data.kind(name) == "string" and data.enum(name) is None:
            return name
    return None


def row_words(site: SiteData, data: TableData, row: Row) -> str:
    """The typed columns of a row in words, led by its label column."""
    label = label_column(data)
    words = column_words(site, data, row)
    if label and row.get(label):
        words.insert(0, f"{code(label)}: {row[label]}")
        words = [words[0], *(word for word in words[1:] if word != row[label])]  # a key naming the same thing
    return ", ".join(dict.fromkeys(words))  # a code and a key that say the same word say it once


def row_title(site: SiteData, data: TableData, row: Row) -> str:
    """What a row is about in a few words: its label, else the row it points at, else its codes."""
    label = label_column(data)
    if label and row.get(label):
        return str(row[label])
    for name, fk in data.foreign_keys.items():
        if name not in ("condition_id", "source_id", "subject_id") and row.get(name):
            return site.label(fk.table, row[name])
    codes = [code(row[name]) for name in data.table.field_names if data.enum(name) and row.get(name)]
    return " ".join(codes[:2]) or data.key(row)


def column_words(site: SiteData, data: TableData, row: Row, skip: tuple[str, ...] = ()) -> list[str]:
    """Each typed column of a row (not its key, label or provenance) as a word or two."""
    label = label_column(data)
    words: list[str] = []
    fks = data.foreign_keys
    for name in data.table.field_names:
        value = row.get(name)
        if value is None or name in data.key_fields or name in PROVENANCE or name == label or name in skip:
            continue
        kind = data.kind(name)
        if name in fks:
            if fks[name].table == "conditions" and name == "condition_id":
                continue  # every fact is about a condition; name it only when it is another one
            words.append(site.label(fks[name].table, value))
        elif kind == "boolean":
            if value.lower() in ("true", "1", "yes"):
                words.append(code(name))
        elif kind in ("number", "integer", "year"):
            words.append(f"{code(name)} {value}")
        elif data.enum(name) is not None:
            words.append(code(value))
        else:
            words.append(value)
    return words


def frequency(row: Row) -> str:
    """An association's frequency as the article bounds it: 'as many as 70% of ...' is an upper bound."""
    low, high = row.get("frequency_min_percent"), row.get("frequency_max_percent")
    qualifier = row.get("frequency_qualifier")
    population = row.get("frequency_population")
    if qualifier == "upper_bound" and high:
        text = f"up to {high}%"
    elif qualifier == "lower_bound" and low:
        text = f"at least {low}%"
    elif qualifier == "range" and low and high:
        text = f"{low}–{high}%"
    elif high or low:
        text = f"{high or low}%"
    else:
        text = ""
    if text and population:
        text += f" of {population}"
    relative = row.get("relative_frequency")
    if relative:
        text = ", ".join(part for part in (text, code(relative)) if part)
    return text

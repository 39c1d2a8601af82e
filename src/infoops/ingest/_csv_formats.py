"""CSV formats: each is a header signature plus one SQL projection onto the staging schema.

Parsing is shared (``_csv.py``); a format only says which columns it needs and
how each staging column is computed from the raw string columns. The same
projection serves the generic ``--map`` reader, built from the user's mapping.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from ..errors import MissingColumns
from ._base import Format, ReadOptions
from ._csv import LINE, Restart, iter_csv, read_header
from ._records import POST_SCHEMA, Chunk, Problem
from ._sources import Source
from ._sql import URL_PATTERN, quote_ident, sql_string, time_sql

# FiveThirtyEight's IRA file names languages in English; keep ISO 639-1 codes.
LANGUAGE_CODES = {
    "English": "en",
    "Russian": "ru",
    "German": "de",
    "Ukrainian": "uk",
    "Italian": "it",
    "Uzbek": "uz",
    "Bulgarian": "bg",
    "Serbian": "sr",
    "Macedonian": "mk",
    "Arabic": "ar",
    "French": "fr",
    "Spanish": "es",
    "Norwegian": "no",
    "Swedish": "sv",
    "Vietnamese": "vi",
    "Romanian": "ro",
    "Dutch": "nl",
    "Farsi (Persian)": "fa",
    "Catalan": "ca",
    "Portuguese": "pt",
    "Estonian": "et",
    "Turkish": "tr",
    "Albanian": "sq",
    "Pushto": "ps",
    "Croatian": "hr",
    "Finnish": "fi",
    "Japanese": "ja",
    "Icelandic": "is",
    "Lithuanian": "lt",
    "Polish": "pl",
    "Somali": "so",
    "Tagalog (Filipino)": "tl",
    "Latvian": "lv",
    "Kurdish": "ku",
    "Czech": "cs",
    "Malay": "ms",
    "Hungarian": "hu",
    "Slovak": "sk",
    "Danish": "da",
    "Indonesian": "id",
    "Hindi": "hi",
    "Urdu": "ur",
    "Slovenian": "sl",
    "Hebrew": "he",
    "Greek": "el",
    "Korean": "ko",
    "Thai": "th",
    "Simplified Chinese": "zh",
    "Traditional Chinese": "zh",
    "Gujarati": "gu",
    "Bengali": "bn",
    "Belarusian": "be",
    "Georgian": "ka",
    "Armenian": "hy",
    "Azerbaijani": "az",
    "Kazakh": "kk",
}


def _nonempty(name: str) -> str:
    return f"nullif(trim({quote_ident(name)}), '')"


def _int(name: str) -> str:
    return f"try_cast(replace({quote_ident(name)}, ',', '') AS BIGINT)"


def _bracket_list(name: str, lower: bool = False) -> str:
    """The archives' ``[a, b]`` / ``['a', 'b']`` list cells; empty cell -> NULL (derive)."""
    item = "lower(trim(x, ' ''\"'))" if lower else "trim(x, ' ''\"')"
    return (
        f"CASE WHEN trim({quote_ident(name)}) = '' THEN NULL ELSE list_filter(list_transform("
        f"string_split(trim({quote_ident(name)}, '[] '), ','), lambda x: {item}), lambda x: x <> '') END"
    )


def _language(name: str) -> str:
    cases = " ".join(f"WHEN '{english}' THEN '{code}'" for english, code in LANGUAGE_CODES.items())
    return f"CASE {quote_ident(name)} {cases} WHEN 'LANGUAGE UNDEFINED' THEN NULL ELSE nullif({quote_ident(name)}, '') END"


IRA = {
    "platform": "'twitter'",
    "account_id": _nonempty("author_id"),
    "account_name": _nonempty("author_id"),
    "created_at": time_sql('"publish_date"'),
    "created_at_raw": '"publish_date"',
    "text": '"content"',
    "lang": _language("language"),
    "post_type": """CASE WHEN upper("post_type") IN ('RETWEET', 'R') THEN 'reshare'
        WHEN upper("post_type") IN ('QUOTE_TWEET', 'Q') THEN 'quote'
        WHEN "retweet" = '1' THEN 'reshare' ELSE 'post' END""",
    # The archive has no ids: a retweet's original is identified by its text.
    "reshare_of_post": """CASE WHEN upper("post_type") IN ('RETWEET', 'R')
            OR (coalesce("post_type", '') = '' AND "retweet" = '1')
        THEN 'text:' || left(md5("content"), 24) END""",
    "followers": _int("followers"),
    "following": _int("following"),
    "posts_count": _int("updates"),
    "account_location": _nonempty("region"),
}

IO_ARCHIVE = {
    "platform": "'twitter'",
    "post_id": _nonempty("tweetid"),
    "account_id": _nonempty("userid"),
    "account_name": _nonempty("user_screen_name"),
    "created_at": time_sql('"tweet_time"'),
    "created_at_raw": '"tweet_time"',
    "text": '"tweet_text"',
    "lang": _nonempty("tweet_language"),
    "post_type": """CASE WHEN lower("is_retweet") IN ('true', '1') THEN 'reshare'
        WHEN trim("quoted_tweet_tweetid") NOT IN ('', 'nan') THEN 'quote'
        WHEN trim("in_reply_to_tweetid") NOT IN ('', 'nan') THEN 'reply' ELSE 'post' END""",
    "reshare_of_post": _nonempty("retweet_tweetid"),
    "reshare_of_account": _nonempty("retweet_userid"),
    "reply_to": _nonempty("in_reply_to_tweetid"),
    "reply_to_account": _nonempty("in_reply_to_userid"),
    "quote_of": _nonempty("quoted_tweet_tweetid"),
    "urls": _bracket_list("urls"),
    "hashtags": _bracket_list("hashtags", lower=True),
    "account_display_name": _nonempty("user_display_name"),
    "account_created_at": time_sql('"account_creation_date"'),
    "followers": _int("follower_count"),
    "following": _int("following_count"),
    "account_description": _nonempty("user_profile_description"),
    "account_location": _nonempty("user_reported_location"),
}

CROWDTANGLE = {
    "platform": "CASE WHEN \"URL\" ILIKE '%instagram.com%' THEN 'instagram' ELSE 'facebook' END",
    "post_id": _nonempty("URL"),
    "account_id": _nonempty("Facebook Id"),
    "account_name": "coalesce(nullif(trim(\"User Name\"), ''), nullif(trim(\"Page Name\"), ''))",
    "created_at": time_sql('"Post Created"'),
    "created_at_raw": '"Post Created"',
    "text": "concat_ws('\n', nullif(\"Message\", ''), nullif(\"Description\", ''))",
    "post_type": "CASE WHEN \"Type\" ILIKE '%share%' THEN 'reshare' ELSE 'post' END",
    "urls": f"""list_filter(list_concat([nullif(trim("Final Link"), ''), nullif(trim("Link"), '')],
        regexp_extract_all("Message", {sql_string(URL_PATTERN)})), lambda x: x IS NOT NULL)""",
    "account_display_name": _nonempty("Page Name"),
    "account_created_at": time_sql('"Page Created"'),
    "followers": _int("Followers at Posting"),
    "account_description": _nonempty("Page Description"),
    "account_location": _nonempty("Page Admin Top Country"),
}


def projection_sql(mapping: dict[str, str]) -> str:
    """One SELECT from raw columns (view ``raw``) to the staging post schema."""
    parts = []
    for column in POST_SCHEMA:
        expr = mapping.get(column.name)
        if column.name == "source_line":
            expr = f'"{LINE}"'
        sql_type = {
            pa.string(): "VARCHAR",
            pa.int64(): "BIGINT",
            pa.timestamp("us"): "TIMESTAMP",
            pa.list_(pa.string()): "VARCHAR[]",
        }[column.type]
        parts.append(f"CAST({expr or 'NULL'} AS {sql_type}) AS {column.name}")
    return "SELECT " + ",\n       ".join(parts) + " FROM raw"


def read_mapped_csv(
    source: Source, mapping: dict[str, str], uses: tuple[str, ...] = ()
) -> Iterator[Chunk | Problem | Restart]:
    """Stream a CSV source through a projection onto the staging post schema.

    Columns in ``uses`` that this file's header lacks (exports differ between
    versions) are read as empty.
    """
    sql = projection_sql(mapping)
    absent = [name for name in uses if name not in set(read_header(source))]

    def add_absent(raw: pa.Table) -> pa.Table:  # runs on a worker thread
        for name in absent:
            raw = raw.append_column(name, pa.repeat("", raw.num_rows).cast(pa.string()))
        return raw

    for item in iter_csv(source):
        yield Chunk("posts", item, add_absent, sql) if isinstance(item, pa.Table) else item


def _require(source: Source, columns: set[str], format_name: str) -> None:
    missing = columns - set(read_header(source))
    if missing:
        raise MissingColumns(
            f"{source.name}: {format_name} needs columns {sorted(missing)}, not in the header"
        )


def _reader(mapping: dict[str, str], required: set[str], uses: tuple[str, ...], title: str):
    def read(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem | Restart]:
        _require(source, required, title)
        chosen = dict(mapping)
        if options.platform:
            chosen["platform"] = sql_string(options.platform)
        yield from read_mapped_csv(source, chosen, uses)

    return read


def _has(*columns: str):
    return lambda sniff: set(columns) <= set(sniff.csv_header)


_IRA_COLUMNS = {"author_id", "content", "publish_date"}
_IO_COLUMNS = {"tweetid", "userid", "tweet_time", "tweet_text"}
_CT_COLUMNS = {"Facebook Id", "Post Created"}

# Columns of the generic mapping, by their staging names; the user maps these to theirs.
MAPPABLE = (
    "post_id",
    "account_id",
    "account_name",
    "created_at",
    "text",
    "lang",
    "post_type",
    "reshare_of_post",
    "reshare_of_account",
    "reply_to",
    "reply_to_account",
    "quote_of",
    "urls",
    "hashtags",
    "mentions",
    "followers",
    "following",
)
MAPPING_REQUIRED = ("account_id", "created_at")


def generic_mapping(user: dict[str, str]) -> dict[str, str]:
    """SQL projection for a user's ``canonical=column`` mapping of a CSV."""
    unknown = set(user) - set(MAPPABLE) - {"platform"}
    if unknown:
        raise MissingColumns(
            f"--map names unknown fields {sorted(unknown)}; allowed: {', '.join(MAPPABLE)}"
        )
    missing = [name for name in MAPPING_REQUIRED if name not in user]
    if missing:
        raise MissingColumns(f"--map must give {', '.join(missing)} (e.g. --map account_id=user)")
    sql: dict[str, str] = {"platform": sql_string(user.get("platform", "generic"))}
    for name, column in user.items():
        if name == "platform":
            continue
        if name == "created_at":
            sql["created_at"] = time_sql(quote_ident(column))
            sql["created_at_raw"] = quote_ident(column)
        elif name in ("urls", "hashtags", "mentions"):
            sql[name] = _bracket_list(column, lower=name != "urls")
        elif name in ("followers", "following"):
            sql[name] = _int(column)
        else:
            sql[name] = _nonempty(column) if name != "text" else quote_ident(column)
    return sql


def read_generic_csv(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem | Restart]:
    mapping = dict(options.mapping)
    if options.platform:
        mapping["platform"] = options.platform
    sql = generic_mapping(mapping)
    _require(source, {v for k, v in mapping.items() if k != "platform"}, "the --map mapping")
    yield from read_mapped_csv(source, sql)


_IRA_USES = ("language", "post_type", "retweet", "followers", "following", "updates", "region")
_IO_USES = (
    "user_screen_name",
    "tweet_language",
    "is_retweet",
    "quoted_tweet_tweetid",
    "in_reply_to_tweetid",
    "in_reply_to_userid",
    "retweet_tweetid",
    "retweet_userid",
    "urls",
    "hashtags",
    "user_display_name",
    "account_creation_date",
    "follower_count",
    "following_count",
    "user_profile_description",
    "user_reported_location",
)
_CT_USES = (
    "URL",
    "User Name",
    "Page Name",
    "Message",
    "Description",
    "Type",
    "Final Link",
    "Link",
    "Page Created",
    "Followers at Posting",
    "Page Description",
    "Page Admin Top Country",
)

FORMATS = (
    Format(
        "ira-csv",
        "FiveThirtyEight IRA tweets CSV",
        "posts",
        _has(*_IRA_COLUMNS),
        _reader(IRA, _IRA_COLUMNS, _IRA_USES, "the IRA CSV format"),
    ),
    Format(
        "twitter-io-csv",
        "X/Twitter information-operations archive CSV",
        "posts",
        _has(*_IO_COLUMNS),
        _reader(IO_ARCHIVE, _IO_COLUMNS, _IO_USES, "the IO archive format"),
    ),
    Format(
        "crowdtangle-csv",
        "CrowdTangle / Facebook export CSV",
        "posts",
        _has(*_CT_COLUMNS),
        _reader(CROWDTANGLE, _CT_COLUMNS, _CT_USES, "the CrowdTangle format"),
    ),
)

GENERIC_CSV = Format(
    "csv",
    "Generic CSV with a --map column mapping",
    "posts",
    lambda sniff: bool(sniff.csv_header),
    read_generic_csv,
    needs_mapping=True,
)

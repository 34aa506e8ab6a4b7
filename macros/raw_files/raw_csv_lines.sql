{#- The lines of the CSV files behind a text source, grouped into records as RFC 4180 has it:
    one row per record (a header or a data record), per blank line and per comment line, in
    file order. This is the one per-engine step of the CSV reader (DuckDB here): everything
    after it (splitting, typing, classifying) is plain SQL.

    text_source    a relation with one row per file: filename, content (DuckDB's read_text(),
                   which reads any byte a UTF-8 file may hold and stops, naming the file, on
                   one that is not UTF-8)
    files_source   the source's glob() inventory: when it lists no file, an empty relation of
                   the same shape is read instead (read_text() fails on a glob that matches
                   nothing)
    comment_prefix lines that start with it (after spaces) are comments, outside quotes

    Physical lines end with LF, CRLF or a lone CR, in any mix. A record is one line, or, when
    a line leaves a `"` open, that line and the following ones up to the line that closes it:
    a quoted field may hold commas, doubled quotes and line breaks of any kind, which stay in
    its value. A quote that is never closed takes every following line of the file into one
    record, which the field split then finds broken (malformed), so the lines it swallowed
    are quarantined with it, visibly, as its line range. The quotes of a comment line do not
    count. A file with neither a `"` nor a CR (a normal feed) has only one-line records, cut
    at its LFs: only the other files go through the cutting at CRs and the grouping.

    Yields: filename, scan_position (the record's first line number in its file, from 1),
    line_count (its physical lines), raw_line (its exact text, inner line breaks included,
    without the final one), is_blank (empty or spaces and tabs only), is_comment. -#}
{% macro raw_csv_lines(text_source, files_source, comment_prefix=none) %}
    {{- return(adapter.dispatch('raw_csv_lines')(text_source, files_source, comment_prefix)) -}}
{% endmacro %}

{#- PostgreSQL: the loader (analytics-postgres load) has cut the files into these rows
    already, with the same rules (analytics/postgres/csv_lines.py); its table for the text
    source holds them. -#}
{% macro postgres__raw_csv_lines(text_source, files_source, comment_prefix=none) %}
select filename, scan_position, line_count, raw_line, is_blank, is_comment
from {{ text_source }}
{% endmacro %}

{#- Spark: the same loaded rows (analytics-spark-load writes them as parquet, the
    on-run-start hook declares the table). -#}
{% macro spark__raw_csv_lines(text_source, files_source, comment_prefix=none) %}
    {{- return(postgres__raw_csv_lines(text_source, files_source, comment_prefix)) -}}
{% endmacro %}

{% macro default__raw_csv_lines(text_source, files_source, comment_prefix=none) %}
with

texts as not materialized (
    -- (not materialized: the two kinds of file below read the texts each, rather than hold a
    -- copy of every file's text in memory between them)
    {%- if raw_files_present(files_source) %}
    select
        filename,
        content,
        contains(content, '"') or contains(content, chr(13)) as has_quote_or_cr
    from {{ text_source }}
    {%- else %}
    -- no file matches the source's glob: an empty relation of the same shape
    select
        null::varchar as filename,
        null::varchar as content,
        null::boolean as has_quote_or_cr
    where false
    {%- endif %}
),

plain_files as (
    -- a file without a `"` and without a CR (a normal feed): each line between two LFs is a
    -- record of one line, and none of the grouping below applies
    select
        filename,
        string_split(content, chr(10)) as pieces
    from texts
    where not has_quote_or_cr
),

plain_pieces as (
    select
        filename,
        unnest(pieces) as piece,
        generate_subscripts(pieces, 1) as piece_number,
        len(pieces) as piece_count
    from plain_files
),

plain_file_records as (
    -- (the piece after the file's last LF is empty and is no line, as in bodies below)
    select
        filename,
        piece_number::bigint as scan_position,
        1::bigint as line_count,
        piece as raw_line,
        {%- if comment_prefix %}
        starts_with(
            ltrim({{ without_bom('piece') }}, ' ' || chr(9)), {{ sql_text(comment_prefix) }}
        )
        {%- else %}
        false
        {%- endif %} as starts_as_comment
    from plain_pieces
    where not (piece_number = piece_count and piece = '')
),

files as (
    -- the files with a `"` or a CR: their lines are cut and grouped into records below
    select
        filename,
        string_split(content, chr(10)) as pieces
    from texts
    where has_quote_or_cr
),

pieces as (
    -- the text between two LFs (unnest of the list in the select list: a lateral join would
    -- copy each file's text to every row)
    select
        filename,
        unnest(pieces) as piece,
        generate_subscripts(pieces, 1) as piece_number,
        len(pieces) as piece_count
    from files
),

bodies as (
    -- a piece followed by an LF loses the CR of a CRLF; the piece after the file's last LF
    -- is empty and is no line (nor is the one piece of an empty file)
    select
        filename,
        piece_number,
        piece_number = piece_count as is_last_piece,
        case
            when piece_number < piece_count and suffix(piece, chr(13))
                then left(piece, length(piece) - 1)
            else piece
        end as body,
        case
            when piece_number = piece_count then ''
            when suffix(piece, chr(13)) then chr(13) || chr(10)
            else chr(10)
        end as piece_break
    from pieces
    where not (piece_number = piece_count and piece = '')
),

cr_pieces as (
    -- the rare pieces holding lone CRs (CR line endings, or a CR in a quoted field): each
    -- holds several lines; the lines before them shift the line numbers of later pieces
    select
        filename,
        piece_number,
        is_last_piece,
        piece_break,
        case
            when is_last_piece and suffix(body, chr(13))
                then string_split(left(body, length(body) - 1), chr(13))
            else string_split(body, chr(13))
        end as sub_lines,
        case
            when is_last_piece and suffix(body, chr(13)) then chr(13) else piece_break
        end as last_break
    from bodies
    where contains(body, chr(13))
),

cr_shifts as (
    select
        filename,
        piece_number,
        sum(len(sub_lines) - 1) over (
            partition by filename order by piece_number rows unbounded preceding
        ) as lines_added
    from cr_pieces
),

plain_lines as (
    select
        bodies.filename,
        bodies.piece_number + coalesce(cr_shifts.lines_added, 0) as line_number,
        bodies.body as line_text,
        bodies.piece_break as line_break
    from bodies
    asof left join cr_shifts
        on
            bodies.filename = cr_shifts.filename
            and bodies.piece_number > cr_shifts.piece_number
    where not contains(bodies.body, chr(13))
),

split_lines as (
    select
        filename,
        piece_number,
        last_break,
        unnest(sub_lines) as line_text,
        generate_subscripts(sub_lines, 1) as sub_line_number,
        len(sub_lines) as sub_line_count
    from cr_pieces
),

cr_lines as (
    select
        split_lines.filename,
        split_lines.piece_number + coalesce(cr_shifts.lines_added, 0)
        + split_lines.sub_line_number - 1 as line_number,
        split_lines.line_text,
        case
            when split_lines.sub_line_number < split_lines.sub_line_count then chr(13)
            else split_lines.last_break
        end as line_break
    from split_lines
    asof left join cr_shifts
        on
            split_lines.filename = cr_shifts.filename
            and split_lines.piece_number > cr_shifts.piece_number
),

physical_lines as (
    select * from plain_lines
    union all
    select * from cr_lines
),

marked as (
    -- a line without a quote keeps the quoting state it starts in; a line with quotes is
    -- parsed from both states: does it end inside a quoted field when it starts outside one
    -- (ends_open_from_closed), and when it starts inside one (ends_open_from_open)? A quote
    -- opens a quoted field only at the start of a field; elsewhere it is a literal character
    -- (which the field split then finds malformed), as common CSV readers have it
    select
        *,
        contains(line_text, '"') as has_quote,
        {%- if comment_prefix %}
        not starts_with(
            ltrim({{ without_bom('line_text') }}, ' ' || chr(9)), {{ sql_text(comment_prefix) }}
        )
        and
        {%- endif %}
        case
            when contains(line_text, '"')
                then regexp_full_match(
                    {{ without_bom('line_text') }}, {{ sql_text(csv_opens_quote_pattern()) }}
                )
            else false
        end as ends_open_from_closed,
        case
            when contains(line_text, '"')
                then regexp_full_match(line_text, {{ sql_text(csv_stays_open_pattern()) }})
            else true
        end as ends_open_from_open,
        {%- if comment_prefix %}
        starts_with(
            ltrim({{ without_bom('line_text') }}, ' ' || chr(9)), {{ sql_text(comment_prefix) }}
        )
        {%- else %}
        false
        {%- endif %} as starts_as_comment
    from physical_lines
),

quote_lines as (
    -- the state after each line with a quote: the last line that sets the state whatever it
    -- starts in (ends_open_from_closed = ends_open_from_open), then every line since that
    -- flips it (ends open only from closed)
    select
        filename,
        line_number,
        ends_open_from_closed,
        ends_open_from_open,
        sum(case when ends_open_from_closed and not ends_open_from_open then 1 else 0 end)
            over by_line as flips_so_far,
        last_value(
            case
                when ends_open_from_closed = ends_open_from_open
                    then struct_pack(state := ends_open_from_closed, line_number := line_number)
            end ignore nulls
        ) over by_line as last_setter
    from marked
    where has_quote
    window by_line as (
        partition by filename order by line_number rows unbounded preceding
    )
),

quote_states as (
    select
        quote_lines.filename,
        quote_lines.line_number,
        quote_lines.flips_so_far,
        quote_lines.last_setter,
        setter.flips_so_far as flips_at_setter
    from quote_lines
    left join quote_lines as setter
        on
            quote_lines.filename = setter.filename
            and quote_lines.last_setter.line_number = setter.line_number
),

states_after as (
    select
        filename,
        line_number,
        -- (<> of two booleans: exclusive or)
        coalesce(last_setter.state, false)
        <> ((flips_so_far - coalesce(flips_at_setter, 0)) % 2 = 1) as is_open_after
    from quote_states
),

transitions as (
    select
        filename,
        line_number,
        is_open_after,
        coalesce(lag(is_open_after) over by_line, false) as is_open_before,
        first_value(case when not is_open_after then line_number end ignore nulls) over (
            by_line rows between 1 following and unbounded following
        ) as next_closed_line_number
    from states_after
    window by_line as (partition by filename order by line_number)
),

openings as (
    -- a line that starts outside quotes and ends inside: its record runs to the first line
    -- after it that ends outside quotes (or to the end of the file)
    select
        filename,
        line_number as opening_line_number,
        coalesce(next_closed_line_number, 9223372036854775807) as closing_line_number
    from transitions
    where is_open_after and not is_open_before
),

grouped as (
    -- the line that starts each line's record: itself, or the opening line of the quoted
    -- field it continues
    select
        marked.*,
        case
            when marked.line_number <= openings.closing_line_number
                then openings.opening_line_number
            else marked.line_number
        end as record_line_number
    from marked
    asof left join openings
        on
            marked.filename = openings.filename
            and marked.line_number > openings.opening_line_number
),

single_line_records as (
    select
        grouped.filename,
        grouped.line_number as scan_position,
        1::bigint as line_count,
        grouped.line_text as raw_line,
        grouped.starts_as_comment
    from grouped
    anti join openings
        on
            grouped.filename = openings.filename
            and grouped.line_number = openings.opening_line_number
    where grouped.record_line_number = grouped.line_number
),

multi_line_records as (
    -- (the text of every line with its break, less the last line's break)
    select
        filename,
        scan_position,
        line_count,
        left(text_with_breaks, length(text_with_breaks) - length(last_break)) as raw_line,
        false as starts_as_comment
    from (
        select
            grouped.filename,
            grouped.record_line_number as scan_position,
            count(*) as line_count,
            string_agg(grouped.line_text || grouped.line_break, '' order by grouped.line_number)
                as text_with_breaks,
            arg_max(grouped.line_break, grouped.line_number) as last_break
        from grouped
        semi join openings
            on
                grouped.filename = openings.filename
                and grouped.record_line_number = openings.opening_line_number
        group by grouped.filename, grouped.record_line_number
    )
),

records as (
    select * from plain_file_records
    union all
    select * from single_line_records
    union all
    select * from multi_line_records
),

classified as (
    select
        filename,
        scan_position,
        line_count,
        raw_line,
        -- (first-character tests before trim(): trim() on every line is slow at 100M lines)
        case
            when line_count > 1 then false
            when raw_line = '' then true
            when left(raw_line, 1) in (' ', chr(9), chr(65279))
                then trim({{ without_bom('raw_line') }}, ' ' || chr(9)) = ''
            else false
        end as is_blank,
        starts_as_comment as is_comment
    from records
)

select * from classified
{% endmacro %}

{#- A text without the byte-order mark it may start with (at the start of a file, or of a
    line where files were concatenated): the mark is no part of a value. -#}
{#- Regular expressions (RE2) of one CSV line, fields split by commas, `"` quoting: a quoted
    field is `"` .. `"` with `""` for a quote, possibly followed by other characters (a field
    the split finds malformed); any other field has no quote at its start.
    csv_opens_quote_pattern: a line that, started outside quotes, ends inside a quoted field;
    csv_stays_open_pattern: a line that, started inside a quoted field, ends inside one. -#}
{% macro csv_opens_quote_pattern() -%}
    {%- set quoted = '"(?:[^"]|"")*"(?:[^,"][^,]*)?' -%}
    {%- set plain = '[^,"][^,]*' -%}
    {{- return('(?:(?:' ~ quoted ~ '|' ~ plain ~ ')?,)*"(?:[^"]|"")*') -}}
{%- endmacro %}

{% macro csv_stays_open_pattern() -%}
    {%- set still_open = '(?:[^"]|"")*' -%}
    {{- return(
        still_open ~ '(?:"(?:[^,"][^,]*)?,' ~ csv_opens_quote_pattern() ~ ')?'
    ) -}}
{%- endmacro %}

{% macro without_bom(text) -%}
    {%- if target.type == 'spark' -%}
    case when startswith({{ text }}, '\uFEFF') then substr({{ text }}, 2) else {{ text }} end
    {%- else -%}
    case when starts_with({{ text }}, chr(65279)) then substr({{ text }}, 2) else {{ text }} end
    {%- endif -%}
{%- endmacro %}

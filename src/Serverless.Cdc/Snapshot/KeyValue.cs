using System.Globalization;
using Serverless.Cdc.Schema;

namespace Serverless.Cdc.Snapshot;

/// <summary>
/// One key column's value at a chunk boundary, kept in a form that turns back into an exact SQL literal:
/// numbers as their text, text as the hex of its bytes in the column's own character set (so the literal needs no
/// escaping and no charset conversion that would defeat the index), binary as hex, temporals as their text.
/// </summary>
public sealed record KeyValue(KeyValueKind Kind, string Text, string? Charset = null)
{
    /// <summary>The literal to compare the key column with.</summary>
    public string ToSql() => Kind switch
    {
        KeyValueKind.Number => Text,
        KeyValueKind.Text => (Charset is null ? string.Empty : "_" + Charset + " ") + "X'" + Text + "'",
        KeyValueKind.Binary => "X'" + Text + "'",
        _ => SqlText.String(Text),
    };

    public override string ToString() => Kind switch
    {
        KeyValueKind.Text or KeyValueKind.Binary => "0x" + Text,
        _ => Text,
    };

    /// <summary>The value of an integer key (for range arithmetic), when <see cref="Kind"/> is a number without fraction.</summary>
    internal bool TryGetInteger(out Int128 value) =>
        Int128.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}

public enum KeyValueKind
{
    /// <summary>Integer, decimal, float, year, bit and enum/set ordinal: the text is a SQL number.</summary>
    Number,

    /// <summary>Character data: <see cref="KeyValue.Text"/> is the hex of the bytes in <see cref="KeyValue.Charset"/>.</summary>
    Text,

    /// <summary>Binary data as hex.</summary>
    Binary,

    /// <summary>DATE, DATETIME, TIMESTAMP (UTC session) and TIME text, quoted as a string literal.</summary>
    Temporal,
}

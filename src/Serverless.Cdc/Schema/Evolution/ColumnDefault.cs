using System.Globalization;

namespace Serverless.Cdc.Schema.Evolution;

/// <summary>What kind of value a column definition's DEFAULT is.</summary>
public enum ColumnDefaultKind
{
    /// <summary><c>DEFAULT NULL</c>.</summary>
    Null,

    /// <summary>A quoted string (with an optional <c>_charset</c> or <c>N</c> introducer, or a <c>DATE</c>/<c>TIME</c>/<c>TIMESTAMP</c> literal prefix).</summary>
    String,

    /// <summary>A number as written, sign included (<c>-1.5e3</c>); <c>TRUE</c> and <c>FALSE</c> are 1 and 0.</summary>
    Number,

    /// <summary>A hexadecimal literal (<c>x'4A'</c>, <c>0x4A</c>); <see cref="ColumnDefault.Text"/> holds its hex digits.</summary>
    Hex,

    /// <summary>A bit-value literal (<c>b'101'</c>, <c>0b101</c>); <see cref="ColumnDefault.Text"/> holds its binary digits.</summary>
    Bits,

    /// <summary><c>CURRENT_TIMESTAMP</c>, <c>NOW()</c>, <c>LOCALTIME</c>, <c>LOCALTIMESTAMP</c>, with an optional precision.</summary>
    CurrentTimestamp,

    /// <summary>Anything else: a function call or a parenthesised expression (UUID(), RAND(), (a + 1)), kept as written.</summary>
    Expression,
}

/// <summary>
/// The DEFAULT of a column definition as the statement writes it: a literal (the value every row the server fills gets),
/// the statement's time, or an expression the parser does not evaluate.
/// </summary>
/// <param name="Kind">What the value is.</param>
/// <param name="Text">The literal's text (a string without quotes or escapes, a number as written, hex or binary digits), or the expression as written.</param>
public sealed record ColumnDefault(ColumnDefaultKind Kind, string Text)
{
    /// <summary>Fractional-second digits of <c>CURRENT_TIMESTAMP(n)</c>; 0 when not written.</summary>
    public int Precision { get; init; }

    public static ColumnDefault Null { get; } = new(ColumnDefaultKind.Null, "NULL");

    public override string ToString() => Kind switch
    {
        ColumnDefaultKind.String => "'" + Text.Replace("'", "''", StringComparison.Ordinal) + "'",
        ColumnDefaultKind.Hex => "x'" + Text + "'",
        ColumnDefaultKind.Bits => "b'" + Text + "'",
        ColumnDefaultKind.CurrentTimestamp => Precision == 0 ? "CURRENT_TIMESTAMP" : string.Create(CultureInfo.InvariantCulture, $"CURRENT_TIMESTAMP({Precision})"),
        _ => Text,
    };
}

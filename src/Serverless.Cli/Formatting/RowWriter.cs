namespace Serverless.Cli.Formatting;

/// <summary>
/// Writes table rows in one text format. Values arrive already rendered: tokens (numbers, booleans) that every
/// format writes bare, texts (strings, dates, timestamps, base64) that a format may have to quote or escape.
/// </summary>
internal abstract class RowWriter
{
    protected RowWriter(TextWriter output, IReadOnlyList<string> columnNames)
    {
        Output = output;
        ColumnNames = columnNames;
    }

    protected TextWriter Output { get; }

    protected IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Writes whatever precedes the first row (a header line, or nothing).</summary>
    public abstract void WriteHeader();

    public abstract void BeginRow();

    public abstract void WriteNull(int column);

    /// <summary>A number or boolean literal, written as is.</summary>
    public abstract void WriteToken(int column, ReadOnlySpan<char> token);

    /// <summary>
    /// A long or decimal: bare in CSV, a string in JSON. JSON readers such as JavaScript and jq parse numbers into
    /// doubles, which round integers beyond 2^53 and drop a decimal's trailing zeros; a string keeps every digit.
    /// </summary>
    public abstract void WriteExactNumber(int column, ReadOnlySpan<char> token);

    /// <summary>NaN or an infinity: a bare word in CSV, a string in JSON (which has no such numbers).</summary>
    public abstract void WriteNonFiniteNumber(int column, ReadOnlySpan<char> token);

    /// <summary>Text that may need quoting or escaping.</summary>
    public abstract void WriteText(int column, ReadOnlySpan<char> text);

    public abstract void EndRow();
}

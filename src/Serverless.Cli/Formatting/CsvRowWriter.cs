namespace Serverless.Cli.Formatting;

/// <summary>
/// RFC 4180 CSV: a header line of column names, CRLF line ends, fields quoted when they hold a comma, a quote or a
/// line break (quotes doubled). A null is an empty field and an empty string is a quoted empty field, so the two stay apart.
/// </summary>
internal sealed class CsvRowWriter : RowWriter
{
    private static readonly System.Buffers.SearchValues<char> NeedsQuoting = System.Buffers.SearchValues.Create(",\"\r\n");

    public CsvRowWriter(TextWriter output, IReadOnlyList<string> columnNames)
        : base(output, columnNames)
    {
    }

    public override void WriteHeader()
    {
        for (var c = 0; c < ColumnNames.Count; c++)
        {
            WriteText(c, ColumnNames[c]);
        }

        EndRow();
    }

    public override void BeginRow()
    {
    }

    public override void WriteNull(int column) => Separate(column);

    public override void WriteToken(int column, ReadOnlySpan<char> token)
    {
        Separate(column);
        Output.Write(token);
    }

    public override void WriteExactNumber(int column, ReadOnlySpan<char> token) => WriteToken(column, token);

    public override void WriteNonFiniteNumber(int column, ReadOnlySpan<char> token) => WriteToken(column, token);

    public override void WriteText(int column, ReadOnlySpan<char> text)
    {
        Separate(column);
        if (text.Length > 0 && !text.ContainsAny(NeedsQuoting))
        {
            Output.Write(text);
            return;
        }

        Output.Write('"');
        while (true)
        {
            var quote = text.IndexOf('"');
            if (quote < 0)
            {
                Output.Write(text);
                break;
            }

            Output.Write(text[..(quote + 1)]);
            Output.Write('"');
            text = text[(quote + 1)..];
        }

        Output.Write('"');
    }

    public override void EndRow() => Output.Write("\r\n");

    private void Separate(int column)
    {
        if (column > 0)
        {
            Output.Write(',');
        }
    }
}

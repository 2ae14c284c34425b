namespace Serverless.Cli.Formatting;

/// <summary>
/// JSON Lines: one object per row, keys in column order, every column present (null when null). Strings are escaped
/// per RFC 8259 (quote, backslash, control characters); other characters pass through as UTF-8. Byte, short, integer,
/// float and double values are JSON numbers (a double holds each exactly); long and decimal values are JSON strings
/// of their exact digits, because JSON readers parse numbers into doubles.
/// </summary>
internal sealed class JsonLinesRowWriter : RowWriter
{
    private static readonly System.Buffers.SearchValues<char> NeedsEscape = System.Buffers.SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private readonly string[] keyPrefixes;

    public JsonLinesRowWriter(TextWriter output, IReadOnlyList<string> columnNames)
        : base(output, columnNames)
    {
        // The '"name":' text of each column is the same on every row: build it once.
        keyPrefixes = new string[columnNames.Count];
        var key = new StringWriter();
        for (var c = 0; c < columnNames.Count; c++)
        {
            key.GetStringBuilder().Clear();
            if (c > 0)
            {
                key.Write(',');
            }

            WriteJsonString(key, columnNames[c]);
            key.Write(':');
            keyPrefixes[c] = key.ToString();
        }
    }

    public override void WriteHeader()
    {
    }

    public override void BeginRow() => Output.Write('{');

    public override void WriteNull(int column)
    {
        Output.Write(keyPrefixes[column]);
        Output.Write("null");
    }

    public override void WriteToken(int column, ReadOnlySpan<char> token)
    {
        Output.Write(keyPrefixes[column]);
        Output.Write(token);
    }

    public override void WriteExactNumber(int column, ReadOnlySpan<char> token)
    {
        // Digits, sign and point need no escaping.
        Output.Write(keyPrefixes[column]);
        Output.Write('"');
        Output.Write(token);
        Output.Write('"');
    }

    public override void WriteNonFiniteNumber(int column, ReadOnlySpan<char> token) => WriteText(column, token);

    public override void WriteText(int column, ReadOnlySpan<char> text)
    {
        Output.Write(keyPrefixes[column]);
        WriteJsonString(Output, text);
    }

    public override void EndRow() => Output.Write("}\n");

    internal static void WriteJsonString(TextWriter output, ReadOnlySpan<char> text)
    {
        output.Write('"');
        while (true)
        {
            var i = text.IndexOfAny(NeedsEscape);
            if (i < 0)
            {
                output.Write(text);
                break;
            }

            output.Write(text[..i]);
            WriteEscape(output, text[i]);
            text = text[(i + 1)..];
        }

        output.Write('"');
    }

    private static void WriteEscape(TextWriter output, char c)
    {
        switch (c)
        {
            case '"': output.Write("\\\""); break;
            case '\\': output.Write("\\\\"); break;
            case '\n': output.Write("\\n"); break;
            case '\r': output.Write("\\r"); break;
            case '\t': output.Write("\\t"); break;
            case '\b': output.Write("\\b"); break;
            case '\f': output.Write("\\f"); break;
            default:
                Span<char> hex = stackalloc char[6];
                "\\u00".CopyTo(hex);
                hex[4] = HexDigit(c >> 4);
                hex[5] = HexDigit(c & 0xF);
                output.Write(hex);
                break;
        }
    }

    private static char HexDigit(int v) => (char)(v < 10 ? '0' + v : 'a' + v - 10);
}

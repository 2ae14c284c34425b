namespace Serverless.Cdc.Writer;

/// <summary>
/// MySQL's <c>latin1</c>, which is Windows-1252, not ISO-8859-1: 0x80 is '€', and the five bytes cp1252 leaves undefined
/// (0x81, 0x8D, 0x8F, 0x90, 0x9D) are the C1 controls of the same code. The server converts by this table when it sends
/// latin1 text to a utf8mb4 connection (the snapshot's path), so the stream decodes binlog bytes the same way.
/// </summary>
internal static class MySqlLatin1
{
    private static readonly char[] HighControls =
    [
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021', '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014', '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
    ];

    public static string Decode(ReadOnlySpan<byte> bytes) => string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            chars[i] = b is >= 0x80 and <= 0x9F ? HighControls[b - 0x80] : (char)b;
        }
    });
}

using System.Text;

namespace Serverless.Cdc.Capture;

/// <summary>
/// The last string decoded for each header field of a change event (database, table, binlog file, GTID), per thread:
/// consecutive changes nearly always repeat them (a transaction's rows share all four), so reading a log hands out
/// the same string instead of four new ones per change.
/// </summary>
internal sealed class RecentStrings
{
    [ThreadStatic]
    private static RecentStrings? forThread;

    private readonly byte[][] bytes = [[], [], [], []];
    private readonly string[] texts = [string.Empty, string.Empty, string.Empty, string.Empty];

    public static RecentStrings ForThread => forThread ??= new RecentStrings();

    /// <summary>The UTF-8 <paramref name="utf8"/> as a string, the previous one of field <paramref name="field"/> (0..3) when the bytes are the same.</summary>
    public string Get(int field, ReadOnlySpan<byte> utf8)
    {
        if (utf8.SequenceEqual(bytes[field]))
        {
            return texts[field];
        }

        var text = Encoding.UTF8.GetString(utf8);
        bytes[field] = utf8.ToArray();
        texts[field] = text;
        return text;
    }
}

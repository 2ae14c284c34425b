using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Serverless.Cdc.Writer;

/// <summary>
/// The text MariaDB prints for its INET4, INET6 and UUID types, which the binlog carries as their 4 or 16 stored bytes:
/// the snapshot reads the text, so the stream formats the bytes the same way. INET6 follows MariaDB's
/// <c>Inet6::to_string</c>: lower-case hex, the longest run of zero groups as <c>::</c> (even a single one, unlike RFC 5952), with
/// IPv4-compatible (<c>::a.b.c.d</c>) and IPv4-mapped (<c>::ffff:a.b.c.d</c>) addresses in dotted form.
/// </summary>
internal static class MariaDbTypeText
{
    public static string Format(string dataType, ReadOnlySpan<byte> bytes) => dataType.ToLowerInvariant() switch
    {
        "inet4" when bytes.Length == 4 => Dotted(bytes),
        "inet6" when bytes.Length == 16 => Inet6(bytes),
        "uuid" when bytes.Length == 16 => Uuid(bytes),
        _ => throw new FormatException($"{bytes.Length} bytes are not a stored {dataType.ToUpperInvariant()} value"),
    };

    private static string Dotted(ReadOnlySpan<byte> b) => string.Create(CultureInfo.InvariantCulture, $"{b[0]}.{b[1]}.{b[2]}.{b[3]}");

    private static string Uuid(ReadOnlySpan<byte> b)
    {
        var hex = Convert.ToHexStringLower(b);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private static string Inet6(ReadOnlySpan<byte> bytes)
    {
        Span<int> words = stackalloc int[8];
        for (var i = 0; i < 8; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes[(i * 2)..]);
        }

        // The longest run of zero words (the first on a tie); unlike RFC 5952, MariaDB compresses a single zero word too.
        int gapStart = -1, gapLength = 0;
        for (var i = 0; i < 8;)
        {
            if (words[i] != 0)
            {
                i++;
                continue;
            }

            var j = i;
            while (j < 8 && words[j] == 0)
            {
                j++;
            }

            if (j - i > gapLength)
            {
                (gapStart, gapLength) = (i, j - i);
            }

            i = j;
        }

        var text = new StringBuilder(39);
        if (gapStart == 0 && (gapLength == 6 || (gapLength == 5 && words[5] == 0xffff)))
        {
            return (gapLength == 6 ? "::" : "::ffff:") + Dotted(bytes[12..]);
        }

        for (var i = 0; i < 8; i++)
        {
            if (i == gapStart)
            {
                text.Append("::");
                i += gapLength - 1;
                continue;
            }

            if (text.Length > 0 && text[^1] != ':')
            {
                text.Append(':');
            }

            text.Append(words[i].ToString("x", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}

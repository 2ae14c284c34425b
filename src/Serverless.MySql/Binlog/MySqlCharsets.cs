using System.Text;

namespace Serverless.MySql.Binlog;

/// <summary>Maps collation ids (as TABLE_MAP metadata gives them) to the encoding of the column's bytes.</summary>
public static class MySqlCharsets
{
    public const int BinaryCollation = 63;

    private static readonly Encoding Utf16BigEndian = new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
    private static readonly Encoding Utf16LittleEndian = new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
    private static readonly Encoding Utf32BigEndian = new UTF32Encoding(bigEndian: true, byteOrderMark: false);

    /// <summary>The encoding for a collation id. Unknown ids decode as UTF-8, which is right for every utf8mb3/utf8mb4 collation.</summary>
    public static Encoding EncodingOf(int collation) => collation switch
    {
        // latin1_* (MySQL's latin1 is cp1252 on the wire, which Latin1 matches outside 0x80-0x9F)
        5 or 8 or 15 or 31 or 47 or 48 or 49 or 94 => Encoding.Latin1,
        11 or 65 => Encoding.ASCII,                             // ascii
        35 or 90 or (>= 128 and <= 151) or 159 => Utf16BigEndian, // ucs2
        54 or 55 or (>= 101 and <= 124) => Utf16BigEndian,      // utf16
        56 or 62 => Utf16LittleEndian,                          // utf16le
        60 or 61 or (>= 160 and <= 183) => Utf32BigEndian,      // utf32
        _ => Encoding.UTF8,
    };

    public static string Decode(ReadOnlySpan<byte> bytes, int collation) => EncodingOf(collation).GetString(bytes);
}

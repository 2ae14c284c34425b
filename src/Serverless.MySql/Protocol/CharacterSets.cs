using System.Text;

namespace Serverless.MySql.Protocol;

/// <summary>
/// Maps the collation id of a column definition to the .NET encoding of its text. The id is the collation of
/// the bytes as sent (character_set_results), usually the connection's utf8mb4; with character_set_results
/// NULL the server sends each column's own charset. Unknown ids decode as UTF-8.
/// </summary>
public static class CharacterSets
{
    /// <summary>The "binary" pseudo-charset: bytes, not text.</summary>
    public const int Binary = 63;

    private static readonly Encoding Windows1252;
    private static readonly Encoding?[] ById = new Encoding?[2048];

    static CharacterSets()
    {
        var provider = CodePagesEncodingProvider.Instance;
        Encoding CodePage(int cp) => provider.GetEncoding(cp) ?? Encoding.UTF8;

        // MySQL's latin1 is Windows-1252 (not ISO-8859-1).
        Windows1252 = CodePage(1252);
        Set(Windows1252, 5, 8, 15, 31, 47, 48, 49, 94);
        Set(Encoding.ASCII, 11, 65);
        Set(CodePage(28592), 2, 9, 21, 27, 77); // latin2
        Set(CodePage(1250), 26, 34, 44, 66, 99);
        Set(CodePage(1251), 14, 23, 50, 51, 52);
        Set(CodePage(1256), 57, 67);
        Set(CodePage(1257), 29, 58, 59);
        Set(CodePage(28599), 30, 78); // latin5
        Set(CodePage(28597), 25, 70); // greek
        Set(CodePage(28598), 16, 71); // hebrew
        Set(CodePage(20866), 7, 74); // koi8r
        Set(CodePage(21866), 22, 75); // koi8u
        Set(CodePage(932), 13, 88, 95, 96); // sjis, cp932
        Set(CodePage(20932), 12, 91, 97, 98); // ujis, eucjpms
        Set(CodePage(950), 1, 84); // big5
        Set(CodePage(936), 28, 87, 24, 86); // gbk, gb2312
        Set(CodePage(54936), 248, 249, 250); // gb18030
        Set(CodePage(51949), 19, 85); // euckr
        var utf16Be = new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
        Set(utf16Be, 35, 90, 54, 55, 159); // ucs2, utf16
        SetRange(utf16Be, 128, 151);
        SetRange(utf16Be, 101, 124);
        Set(new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 56, 62); // utf16le
        var utf32 = new UTF32Encoding(bigEndian: true, byteOrderMark: false);
        Set(utf32, 60, 61);
        SetRange(utf32, 160, 183);
    }

    /// <summary>The encoding of text with this collation id; null for binary.</summary>
    public static Encoding? ForCollation(int collationId)
    {
        if (collationId == Binary)
        {
            return null;
        }

        return (uint)collationId < (uint)ById.Length ? ById[collationId] ?? Encoding.UTF8 : Encoding.UTF8;
    }

    /// <summary>MySQL's latin1 (Windows-1252).</summary>
    public static Encoding Latin1 => Windows1252;

    private static void Set(Encoding encoding, params int[] ids)
    {
        foreach (var id in ids)
        {
            ById[id] = encoding;
        }
    }

    private static void SetRange(Encoding encoding, int first, int last)
    {
        for (var id = first; id <= last; id++)
        {
            ById[id] = encoding;
        }
    }
}

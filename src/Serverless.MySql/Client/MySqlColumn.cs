using System.Text;
using Serverless.MySql.Protocol;

namespace Serverless.MySql.Client;

/// <summary>One column of a result set (Column Definition 41).</summary>
public sealed record MySqlColumn(
    string Schema,
    string Table,
    string OriginalTable,
    string Name,
    string OriginalName,
    int CollationId,
    uint Length,
    ColumnType Type,
    ColumnFlags Flags,
    byte Decimals)
{
    public bool IsUnsigned => (Flags & ColumnFlags.Unsigned) != 0;

    public bool IsNotNull => (Flags & ColumnFlags.NotNull) != 0;

    public bool IsPrimaryKey => (Flags & ColumnFlags.PrimaryKey) != 0;

    /// <summary>True when the value is bytes rather than text (binary collation: BINARY, VARBINARY, BLOB, GEOMETRY, BIT...).</summary>
    public bool IsBinary => CollationId == CharacterSets.Binary;

    public bool IsEnum => (Flags & ColumnFlags.Enum) != 0;

    public bool IsSet => (Flags & ColumnFlags.Set) != 0;

    /// <summary>The encoding of the column's text, from its collation id (UTF-8 for binary columns, so text is still readable).</summary>
    public Encoding Encoding { get; } = CharacterSets.ForCollation(CollationId) ?? Encoding.UTF8;

    internal static MySqlColumn Parse(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload, "column definition");
        r.ReadLengthEncodedBytes(); // catalog, always "def"
        var schema = r.ReadLengthEncodedString();
        var table = r.ReadLengthEncodedString();
        var originalTable = r.ReadLengthEncodedString();
        var name = r.ReadLengthEncodedString();
        var originalName = r.ReadLengthEncodedString();
        r.ReadLengthEncodedInteger(); // length of the fixed fields, 0x0C
        var collation = r.ReadUInt16();
        var length = r.ReadUInt32();
        var type = (ColumnType)r.ReadByte();
        var flags = (ColumnFlags)r.ReadUInt16();
        var decimals = r.ReadByte();
        return new MySqlColumn(schema, table, originalTable, name, originalName, collation, length, type, flags, decimals);
    }

    public override string ToString() => $"{Name} ({Type}{(IsUnsigned ? " unsigned" : string.Empty)})";
}

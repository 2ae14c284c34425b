using Serverless.MySql.Protocol;
namespace Serverless.MySql.Binlog.Events;

/// <summary>
/// TABLE_MAP: binds a table id to a table's name and column layout for the rows events that follow. With
/// binlog_row_metadata=FULL it also carries column names, signedness, charsets, ENUM/SET strings and the primary key.
/// </summary>
public sealed class TableMapEvent : BinlogEvent
{
    private TableMapEvent(BinlogEventHeader header, ulong tableId, ushort flags, string database, string table, BinlogColumn[] columns)
        : base(header)
    {
        TableId = tableId;
        Flags = flags;
        DatabaseName = database;
        TableName = table;
        Columns = columns;
    }

    public ulong TableId { get; }

    public ushort Flags { get; }

    public string DatabaseName { get; }

    public string TableName { get; }

    public IReadOnlyList<BinlogColumn> Columns { get; }

    internal BinlogColumn[] ColumnArray => (BinlogColumn[])Columns;

    /// <summary>Primary-key columns in key order (empty when the metadata has none or was not logged).</summary>
    public IReadOnlyList<BinlogColumn> PrimaryKey { get; private set; } = [];

    /// <summary>True when the server logged column names (binlog_row_metadata=FULL).</summary>
    public bool HasColumnNames { get; private set; }

    public override string ToString() => $"{DatabaseName}.{TableName} (table id {TableId}, {Columns.Count} columns)";

    internal static TableMapEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body, int postHeaderLength)
    {
        var reader = new BinlogSpanReader(body, BinlogEventType.TableMap);
        var tableId = postHeaderLength == 6 ? reader.ReadUInt32() : reader.ReadUInt48();
        var flags = reader.ReadUInt16();
        var database = reader.ReadString(reader.ReadByte());
        reader.Skip(1);
        var table = reader.ReadString(reader.ReadByte());
        reader.Skip(1);
        var columnCount = reader.ReadPackedLength();
        var types = reader.ReadBytes(columnCount);
        var metadataLength = reader.ReadPackedLength();
        var metadata = new BinlogSpanReader(reader.ReadBytes(metadataLength), BinlogEventType.TableMap);
        var columns = new BinlogColumn[columnCount];
        for (var i = 0; i < columnCount; i++)
        {
            columns[i] = ReadColumnMetadata(i, (ColumnType)types[i], ref metadata, database, table);
        }

        var nullable = reader.ReadBytes((columnCount + 7) / 8);
        for (var i = 0; i < columnCount; i++)
        {
            columns[i].IsNullable = (nullable[i >> 3] & (1 << (i & 7))) != 0;
        }

        var map = new TableMapEvent(header, tableId, flags, database, table, columns);
        map.ReadOptionalMetadata(ref reader);
        return map;
    }

    private static BinlogColumn ReadColumnMetadata(int index, ColumnType declared, ref BinlogSpanReader metadata, string database, string table)
    {
        switch (declared)
        {
            case ColumnType.Float:
            case ColumnType.Double:
            case ColumnType.Blob:
            case ColumnType.TinyBlob:
            case ColumnType.MediumBlob:
            case ColumnType.LongBlob:
            case ColumnType.Geometry:
            case ColumnType.Json:
            case ColumnType.Vector:
            case ColumnType.MariaDbBlobCompressed:
                {
                    var m = metadata.ReadByte();
                    return new BinlogColumn { Index = index, DeclaredType = declared, Type = declared, Metadata = m, Length = m };
                }

            case ColumnType.Time2:
            case ColumnType.DateTime2:
            case ColumnType.Timestamp2:
                {
                    var fsp = metadata.ReadByte();
                    if (fsp > 6)
                    {
                        throw new BinlogFormatException($"Column {index} of {database}.{table} has fractional seconds precision {fsp}; MySQL allows 0-6.");
                    }

                    return new BinlogColumn { Index = index, DeclaredType = declared, Type = declared, Metadata = fsp, FractionalSecondsPrecision = fsp };
                }

            case ColumnType.VarChar:
            case ColumnType.VarString:
            case ColumnType.MariaDbVarCharCompressed:
                {
                    var max = metadata.ReadUInt16();
                    return new BinlogColumn { Index = index, DeclaredType = declared, Type = declared, Metadata = max, Length = max };
                }

            case ColumnType.NewDecimal:
                {
                    var precision = metadata.ReadByte();
                    var scale = metadata.ReadByte();
                    return new BinlogColumn
                    {
                        Index = index, DeclaredType = declared, Type = declared, Metadata = (ushort)((precision << 8) | scale),
                        Precision = precision, Scale = scale,
                    };
                }

            case ColumnType.Bit:
                {
                    var bits = metadata.ReadByte();
                    var bytes = metadata.ReadByte();
                    return new BinlogColumn
                    {
                        Index = index, DeclaredType = declared, Type = declared, Metadata = (ushort)((bytes << 8) | bits), BitCount = (bytes * 8) + bits,
                    };
                }

            case ColumnType.String:
            case ColumnType.Enum:
            case ColumnType.Set:
                {
                    var first = metadata.ReadByte();
                    var second = metadata.ReadByte();
                    var meta = (ushort)((first << 8) | second);
                    ColumnType real;
                    int length;
                    if ((first & 0x30) != 0x30)
                    {
                        // CHAR longer than 255 bytes: two bits of the length are folded into the (inverted) type byte.
                        length = second | (((first & 0x30) ^ 0x30) << 4);
                        real = (ColumnType)(first | 0x30);
                    }
                    else
                    {
                        length = second;
                        real = (ColumnType)first;
                    }

                    if (real is not (ColumnType.String or ColumnType.Enum or ColumnType.Set))
                    {
                        real = declared;
                        length = second;
                    }

                    return new BinlogColumn { Index = index, DeclaredType = declared, Type = real, Metadata = meta, Length = length };
                }

            default:
                return new BinlogColumn { Index = index, DeclaredType = declared, Type = declared, Metadata = 0 };
        }
    }

    private void ReadOptionalMetadata(ref BinlogSpanReader reader)
    {
        var columns = ColumnArray;
        var characterColumns = columns.Where(c => c.IsCharacter).ToArray();
        var enumSetColumns = columns.Where(c => c.IsEnumOrSet).ToArray();
        var primaryKey = new List<BinlogColumn>();
        while (reader.Remaining > 0)
        {
            var fieldType = reader.ReadByte();
            var length = reader.ReadPackedLength();
            var field = new BinlogSpanReader(reader.ReadBytes(length), BinlogEventType.TableMap);
            switch (fieldType)
            {
                case 1: // SIGNEDNESS: one bit per numeric column, most significant bit first; set = unsigned.
                    {
                        var bitmap = field.RemainingSpan;
                        var n = 0;
                        foreach (var column in columns)
                        {
                            if (column.IsNumeric)
                            {
                                column.IsUnsigned = n / 8 < bitmap.Length && (bitmap[n / 8] & (0x80 >> (n % 8))) != 0;
                                n++;
                            }
                        }

                        break;
                    }

                case 2: ReadDefaultCharset(ref field, characterColumns); break;
                case 3: ReadColumnCharsets(ref field, characterColumns); break;
                case 4:
                    foreach (var column in columns)
                    {
                        column.Name = field.ReadString(field.ReadPackedLength());
                    }

                    HasColumnNames = true;
                    break;
                case 5: ReadStringValues(ref field, columns.Where(c => c.Type == ColumnType.Set), isSet: true); break;
                case 6: ReadStringValues(ref field, columns.Where(c => c.Type == ColumnType.Enum), isSet: false); break;
                case 7:
                    foreach (var column in columns.Where(c => c.Type == ColumnType.Geometry))
                    {
                        column.GeometryType = (int)field.ReadPackedInteger();
                    }

                    break;
                case 8:
                    while (field.Remaining > 0)
                    {
                        var column = ColumnAt(columns, field.ReadPackedInteger());
                        column.IsPrimaryKey = true;
                        primaryKey.Add(column);
                    }

                    break;
                case 9:
                    while (field.Remaining > 0)
                    {
                        var column = ColumnAt(columns, field.ReadPackedInteger());
                        column.IsPrimaryKey = true;
                        column.PrimaryKeyPrefix = (int)field.ReadPackedInteger();
                        primaryKey.Add(column);
                    }

                    break;
                case 10: ReadDefaultCharset(ref field, enumSetColumns); break;
                case 11: ReadColumnCharsets(ref field, enumSetColumns); break;
                case 12: // COLUMN_VISIBILITY: one bit per column, most significant first; set = visible.
                    {
                        var bitmap = field.RemainingSpan;
                        for (var i = 0; i < columns.Length && i / 8 < bitmap.Length; i++)
                        {
                            columns[i].IsVisible = (bitmap[i / 8] & (0x80 >> (i % 8))) != 0;
                        }

                        break;
                    }

                default:
                    break; // Newer metadata kinds are skipped by their length.
            }
        }

        PrimaryKey = primaryKey;
    }

    private BinlogColumn ColumnAt(BinlogColumn[] columns, ulong index) =>
        index < (ulong)columns.Length
            ? columns[index]
            : throw new BinlogFormatException($"TABLE_MAP of {DatabaseName}.{TableName} names primary-key column {index} but the table has {columns.Length} columns.");

    private void ReadDefaultCharset(ref BinlogSpanReader field, BinlogColumn[] applicable)
    {
        var collation = (int)field.ReadPackedInteger();
        foreach (var column in applicable)
        {
            column.Collation = collation;
        }

        // Exceptions to the default follow as (index among the applicable columns, collation) pairs.
        while (field.Remaining > 0)
        {
            var index = field.ReadPackedInteger();
            var exception = (int)field.ReadPackedInteger();
            if (index >= (ulong)applicable.Length)
            {
                throw new BinlogFormatException($"TABLE_MAP of {DatabaseName}.{TableName} gives a charset for column {index} of {applicable.Length} character columns.");
            }

            applicable[index].Collation = exception;
        }
    }

    private static void ReadColumnCharsets(ref BinlogSpanReader field, BinlogColumn[] applicable)
    {
        foreach (var column in applicable)
        {
            if (field.Remaining == 0)
            {
                break;
            }

            column.Collation = (int)field.ReadPackedInteger();
        }
    }

    private static void ReadStringValues(ref BinlogSpanReader field, IEnumerable<BinlogColumn> applicable, bool isSet)
    {
        foreach (var column in applicable)
        {
            var count = field.ReadPackedLength();
            var values = new string[count];
            for (var i = 0; i < count; i++)
            {
                // ENUM/SET strings are listed before their charset field; every utf8 and ASCII value decodes right as UTF-8.
                values[i] = field.ReadString(field.ReadPackedLength());
            }

            if (isSet)
            {
                column.SetValues = values;
            }
            else
            {
                column.EnumValues = values;
            }
        }
    }
}

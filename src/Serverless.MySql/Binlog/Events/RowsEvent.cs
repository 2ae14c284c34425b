namespace Serverless.MySql.Binlog.Events;

/// <summary>
/// WRITE/UPDATE/DELETE_ROWS (v1 as MariaDB writes them, v2 as MySQL does): row images of one table. The row bytes stay
/// in the event buffer and are decoded on demand with <see cref="ReadRow"/> into caller-owned value arrays.
/// </summary>
public sealed class RowsEvent : BinlogEvent
{
    private readonly byte[] columnsPresent;
    private readonly byte[] columnsPresentAfter;

    private RowsEvent(
        BinlogEventHeader header, RowsEventKind kind, int version, ulong tableId, ushort flags, TableMapEvent table, int columnCount,
        byte[] columnsPresent, byte[] columnsPresentAfter, ReadOnlyMemory<byte> rows)
        : base(header)
    {
        Kind = kind;
        Version = version;
        TableId = tableId;
        Flags = flags;
        Table = table;
        ColumnCount = columnCount;
        this.columnsPresent = columnsPresent;
        this.columnsPresentAfter = columnsPresentAfter;
        RowData = rows;
    }

    public RowsEventKind Kind { get; }

    /// <summary>1 for types 23-25 (MariaDB, MySQL 5.1-5.5), 2 for types 30-32 (MySQL 5.6+).</summary>
    public int Version { get; }

    public ulong TableId { get; }

    /// <summary>Bit 0 (STMT_END_F) marks the last rows event of a statement.</summary>
    public ushort Flags { get; }

    public bool IsStatementEnd => (Flags & 1) != 0;

    public TableMapEvent Table { get; }

    public int ColumnCount { get; }

    /// <summary>The undecoded row images; valid while the event buffer is.</summary>
    public ReadOnlyMemory<byte> RowData { get; }

    /// <summary>True when column <paramref name="index"/> is in the before image (or the only image for WRITE/DELETE).</summary>
    public bool IsColumnPresent(int index) => (columnsPresent[index >> 3] & (1 << (index & 7))) != 0;

    public bool IsColumnPresentAfter(int index) => (columnsPresentAfter[index >> 3] & (1 << (index & 7))) != 0;

    /// <summary>
    /// Decodes the row at <paramref name="offset"/> (start at 0) into <paramref name="before"/> and/or <paramref name="after"/>
    /// (each at least <see cref="ColumnCount"/> long; columns absent from an image are set to null) and returns the offset of
    /// the next row, or -1 when the event has no more rows. WRITE fills only <paramref name="after"/>, DELETE only <paramref name="before"/>.
    /// </summary>
    public int ReadRow(int offset, ColumnValue[] before, ColumnValue[] after)
    {
        if (offset >= RowData.Length)
        {
            return -1;
        }

        switch (Kind)
        {
            case RowsEventKind.Write:
                return RowImageDecoder.Decode(this, RowData, offset, columnsPresent, after);
            case RowsEventKind.Delete:
                return RowImageDecoder.Decode(this, RowData, offset, columnsPresent, before);
            default:
                offset = RowImageDecoder.Decode(this, RowData, offset, columnsPresent, before);
                return RowImageDecoder.Decode(this, RowData, offset, columnsPresentAfter, after);
        }
    }

    internal static RowsEvent Parse(
        BinlogEventHeader header, ReadOnlyMemory<byte> body, int postHeaderLength, Func<ulong, TableMapEvent?> findTable)
    {
        var span = body.Span;
        var reader = new BinlogSpanReader(span, header.EventType);
        var (kind, version) = header.EventType switch
        {
            BinlogEventType.WriteRowsV1 => (RowsEventKind.Write, 1),
            BinlogEventType.UpdateRowsV1 => (RowsEventKind.Update, 1),
            BinlogEventType.DeleteRowsV1 => (RowsEventKind.Delete, 1),
            BinlogEventType.WriteRowsV2 => (RowsEventKind.Write, 2),
            BinlogEventType.UpdateRowsV2 => (RowsEventKind.Update, 2),
            BinlogEventType.DeleteRowsV2 => (RowsEventKind.Delete, 2),
            _ => throw new BinlogFormatException($"{header.EventType} is not a rows event type this reader decodes."),
        };
        var tableId = postHeaderLength == 6 ? reader.ReadUInt32() : reader.ReadUInt48();
        var flags = reader.ReadUInt16();
        if (version == 2)
        {
            // Extra row info (NDB data, partition ids): its length counts the 2 length bytes themselves.
            var extraLength = reader.ReadUInt16();
            if (extraLength < 2)
            {
                throw new BinlogFormatException($"{header.EventType} event has an extra-data length of {extraLength}; it must be at least 2.");
            }

            reader.Skip(extraLength - 2);
        }

        var declaredColumns = reader.ReadPackedInteger();
        var columnCount = declaredColumns > 65535 ? int.MaxValue : (int)declaredColumns;
        var table = findTable(tableId) ?? throw new BinlogFormatException(
            $"{header.EventType} event at offset {header.EventOffset} refers to table id {tableId} with no TABLE_MAP before it in this stream.");
        if (columnCount != table.Columns.Count)
        {
            throw new BinlogFormatException(
                $"{header.EventType} event for {table.DatabaseName}.{table.TableName} has {columnCount} columns but its TABLE_MAP has {table.Columns.Count}.");
        }

        var present = reader.ReadBytes((columnCount + 7) / 8).ToArray();
        var presentAfter = kind == RowsEventKind.Update ? reader.ReadBytes((columnCount + 7) / 8).ToArray() : present;
        return new RowsEvent(header, kind, version, tableId, flags, table, columnCount, present, presentAfter, body[reader.Offset..]);
    }
}

using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Cdc.Schema;

/// <summary>
/// A source table's lake shape: its mapped columns in table order, then <c>_cdc_position</c>, <c>_cdc_ts</c> and, with
/// soft delete, <c>_cdc_deleted</c>. <see cref="ParquetSchema"/> is what data files hold; <see cref="DeltaFields"/>
/// the table schema (logical names).
/// </summary>
public sealed class TableMapping
{
    internal TableMapping(SourceTable table, IReadOnlyList<MappedColumn> columns, ParquetColumn position, ParquetColumn timestamp, ParquetColumn? deleted)
    {
        Table = table;
        Columns = columns;
        PositionColumn = position;
        TimestampColumn = timestamp;
        DeletedColumn = deleted;
        var all = columns.Select(c => c.Parquet).Append(position).Append(timestamp);
        ParquetSchema = new ParquetSchema(deleted is null ? all : all.Append(deleted));
    }

    public SourceTable Table { get; }

    public IReadOnlyList<MappedColumn> Columns { get; }

    public ParquetColumn PositionColumn { get; }

    public ParquetColumn TimestampColumn { get; }

    public ParquetColumn? DeletedColumn { get; }

    public bool SoftDelete => DeletedColumn is not null;

    public ParquetSchema ParquetSchema { get; }

    /// <summary>The Delta table's columns (logical names; nullable except <c>_cdc_position</c>).</summary>
    public IReadOnlyList<StructField> DeltaFields
    {
        get
        {
            var fields = new List<StructField>(Columns.Count + 3);
            foreach (var c in Columns)
            {
                fields.Add(new StructField(c.Source.Name, c.DeltaType, nullable: true));
            }

            fields.Add(new StructField(CdcColumns.Position, new DecimalType(CdcColumns.PositionPrecision, 0), nullable: false));
            fields.Add(new StructField(CdcColumns.Timestamp, PrimitiveType.Timestamp, nullable: true));
            if (SoftDelete)
            {
                fields.Add(new StructField(CdcColumns.Deleted, PrimitiveType.Boolean, nullable: true));
            }

            return fields;
        }
    }

    /// <summary>
    /// The same mapping with Parquet columns named and numbered as the Delta table's column mapping says (physical
    /// name, field id from <c>delta.columnMapping.id</c>). Fields are matched by logical name, case-insensitively.
    /// </summary>
    public TableMapping WithColumnMapping(IReadOnlyList<StructField> tableFields)
    {
        ArgumentNullException.ThrowIfNull(tableFields);
        ParquetColumn Rename(ParquetColumn column, string logicalName)
        {
            var field = tableFields.FirstOrDefault(f => string.Equals(f.Name, logicalName, StringComparison.Ordinal))
                ?? tableFields.FirstOrDefault(f => string.Equals(f.Name, logicalName, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"The Delta table of {Table.QualifiedName} has no column '{logicalName}'; migrate the table schema before reading chunks.", nameof(tableFields));
            var id = field.ColumnMappingId;
            return column with { Name = field.PhysicalName, FieldId = id is null ? column.FieldId : checked((int)id.Value) };
        }

        var columns = Columns.Select(c => c with { Parquet = Rename(c.Parquet, c.Source.Name) }).ToArray();
        return new TableMapping(
            Table,
            columns,
            Rename(PositionColumn, CdcColumns.Position),
            Rename(TimestampColumn, CdcColumns.Timestamp),
            DeletedColumn is null ? null : Rename(DeletedColumn, CdcColumns.Deleted));
    }
}

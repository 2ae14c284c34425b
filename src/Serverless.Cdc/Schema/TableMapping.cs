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

    /// <summary>
    /// The Delta table's columns (logical names). A column is nullable when <see cref="MappedColumn.Nullable"/> says so;
    /// the change columns are always set, so <c>_cdc_position</c>, <c>_cdc_ts</c> and <c>_cdc_deleted</c> are NOT NULL.
    /// </summary>
    public IReadOnlyList<StructField> DeltaFields
    {
        get
        {
            var fields = new List<StructField>(Columns.Count + 3);
            foreach (var c in Columns)
            {
                fields.Add(new StructField(c.Source.Name, c.DeltaType, c.Nullable));
            }

            fields.Add(new StructField(CdcColumns.Position, new DecimalType(CdcColumns.PositionPrecision, 0), nullable: false));
            fields.Add(new StructField(CdcColumns.Timestamp, PrimitiveType.Timestamp, nullable: false));
            if (SoftDelete)
            {
                fields.Add(new StructField(CdcColumns.Deleted, PrimitiveType.Boolean, nullable: false));
            }

            return fields;
        }
    }

    /// <summary>
    /// The same mapping with Parquet columns as the Delta table <paramref name="tableFields"/> describes them: REQUIRED
    /// exactly when the lake column is NOT NULL (a column relaxed to nullable, or created nullable before the source
    /// tightened it, is written OPTIONAL), and with <paramref name="columnMapping"/> named and numbered by the column
    /// mapping (physical name, field id from <c>delta.columnMapping.id</c>). Fields are matched by logical name,
    /// case-insensitively.
    /// </summary>
    public TableMapping ForLakeTable(IReadOnlyList<StructField> tableFields, bool columnMapping)
    {
        ArgumentNullException.ThrowIfNull(tableFields);
        ParquetColumn Conform(ParquetColumn column, string logicalName)
        {
            var field = tableFields.FirstOrDefault(f => string.Equals(f.Name, logicalName, StringComparison.Ordinal))
                ?? tableFields.FirstOrDefault(f => string.Equals(f.Name, logicalName, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"The Delta table of {Table.QualifiedName} has no column '{logicalName}'; migrate the table schema before reading chunks.", nameof(tableFields));
            var conformed = column with { IsRequired = !field.Nullable };
            if (!columnMapping)
            {
                return conformed;
            }

            var id = field.ColumnMappingId;
            return conformed with { Name = field.PhysicalName, FieldId = id is null ? column.FieldId : checked((int)id.Value) };
        }

        var columns = Columns.Select(c => c with { Parquet = Conform(c.Parquet, c.Source.Name) }).ToArray();
        return new TableMapping(
            Table,
            columns,
            Conform(PositionColumn, CdcColumns.Position),
            Conform(TimestampColumn, CdcColumns.Timestamp),
            DeletedColumn is null ? null : Conform(DeletedColumn, CdcColumns.Deleted));
    }
}

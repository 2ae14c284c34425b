using Serverless.Cdc.Jobs;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Cdc.Schema;

/// <summary>
/// Maps MySQL and MariaDB column types to Delta types and Parquet columns, as DESIGN.md's "Type mapping" gives it:
/// integers to the narrowest signed type that holds the range (unsigned widened, BIGINT UNSIGNED → decimal(20,0)),
/// DECIMAL(p≤38) → decimal, wider → string, DATE → date, DATETIME → timestamp_ntz, TIMESTAMP → timestamp (UTC),
/// TIME → string or microseconds, YEAR → short, text-like types → string, binary and spatial types → binary (WKB),
/// BIT(1) → boolean, BIT(n) → long or binary.
/// </summary>
public static class TypeMapper
{
    /// <summary>Maps every column of <paramref name="table"/>; all unsupported columns are reported in one exception.</summary>
    /// <exception cref="UnsupportedColumnTypeException">A column type has no mapping, or a column uses a reserved _cdc_ name.</exception>
    public static TableMapping Map(SourceTable table, TypeMappingOptions? options = null, bool softDelete = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new TypeMappingOptions();
        var mapped = new List<MappedColumn>(table.Columns.Count);
        var unsupported = new List<SourceColumn>();
        foreach (var column in table.Columns)
        {
            if (CdcColumns.IsReserved(column.Name))
            {
                throw new UnsupportedColumnTypeException(
                    $"Table {table.QualifiedName} has a column named '{column.Name}', which the lake reserves for change metadata. " +
                    "Exclude the table in the job spec or rename the column at the source.");
            }

            var m = TryMap(column, options);
            if (m is null)
            {
                unsupported.Add(column);
            }
            else
            {
                mapped.Add(m);
            }
        }

        if (unsupported.Count > 0)
        {
            throw new UnsupportedColumnTypeException(table.QualifiedName, unsupported);
        }

        return new TableMapping(
            table,
            mapped,
            ParquetColumn.Decimal(CdcColumns.Position, CdcColumns.PositionPrecision, 0, isRequired: true),
            ParquetColumn.Timestamp(CdcColumns.Timestamp, isAdjustedToUtc: true),
            softDelete ? ParquetColumn.Boolean(CdcColumns.Deleted) : null);
    }

    /// <summary>The mapping of one column, or null when its type has none.</summary>
    public static MappedColumn? TryMap(SourceColumn column, TypeMappingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(column);
        options ??= new TypeMappingOptions();
        var name = column.Name;
        var unsigned = column.IsUnsigned;
        switch (column.DataType.ToLowerInvariant())
        {
            case "tinyint" or "bool" or "boolean":
                return unsigned
                    ? Make(column, PrimitiveType.Short, ParquetColumn.Int16(name), ValueConversion.Int16)
                    : Make(column, PrimitiveType.Byte, ParquetColumn.Int8(name), ValueConversion.Int8);
            case "smallint":
                return unsigned
                    ? Make(column, PrimitiveType.Integer, ParquetColumn.Int32(name), ValueConversion.Int32)
                    : Make(column, PrimitiveType.Short, ParquetColumn.Int16(name), ValueConversion.Int16);
            case "mediumint":
                return Make(column, PrimitiveType.Integer, ParquetColumn.Int32(name), ValueConversion.Int32);
            case "int" or "integer":
                return unsigned
                    ? Make(column, PrimitiveType.Long, ParquetColumn.Int64(name), ValueConversion.Int64)
                    : Make(column, PrimitiveType.Integer, ParquetColumn.Int32(name), ValueConversion.Int32);
            case "bigint":
                return unsigned
                    ? Make(column, new DecimalType(20, 0), ParquetColumn.Decimal(name, 20, 0), ValueConversion.UInt64Decimal)
                    : Make(column, PrimitiveType.Long, ParquetColumn.Int64(name), ValueConversion.Int64);
            case "decimal" or "numeric" or "fixed":
                {
                    var precision = column.NumericPrecision ?? 10;
                    var scale = column.NumericScale ?? 0;
                    return precision <= DecimalType.MaxPrecision
                        ? Make(column, new DecimalType(precision, scale), ParquetColumn.Decimal(name, precision, scale), ValueConversion.Decimal)
                        : Make(column, PrimitiveType.String, ParquetColumn.String(name), ValueConversion.Text);
                }

            case "float":
                return Make(column, PrimitiveType.Float, ParquetColumn.Float(name), ValueConversion.Float);
            case "double" or "double precision" or "real":
                return Make(column, PrimitiveType.Double, ParquetColumn.Double(name), ValueConversion.Double);
            case "date":
                return Make(column, PrimitiveType.Date, ParquetColumn.Date(name), ValueConversion.Date);
            case "datetime":
                return Make(column, PrimitiveType.TimestampNtz, ParquetColumn.Timestamp(name, isAdjustedToUtc: false), ValueConversion.DateTimeNtz);
            case "timestamp":
                return Make(column, PrimitiveType.Timestamp, ParquetColumn.Timestamp(name, isAdjustedToUtc: true), ValueConversion.TimestampUtc);
            case "time":
                return options.Time == TimeMapping.Microseconds
                    ? Make(column, PrimitiveType.Long, ParquetColumn.Int64(name), ValueConversion.TimeMicroseconds)
                    : Make(column, PrimitiveType.String, ParquetColumn.String(name), ValueConversion.Text);
            case "year":
                return Make(column, PrimitiveType.Short, ParquetColumn.Int16(name), ValueConversion.Int16);
            case "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "long" or "long varchar"
                or "enum" or "set" or "json" or "inet4" or "inet6" or "uuid" or "nchar" or "nvarchar":
                return Make(column, PrimitiveType.String, ParquetColumn.String(name), ValueConversion.Text);
            case "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" or "long varbinary" or "vector":
                return Make(column, PrimitiveType.Binary, ParquetColumn.Binary(name), ValueConversion.Binary);
            case "geometry" or "point" or "linestring" or "polygon" or "multipoint" or "multilinestring" or "multipolygon"
                or "geometrycollection" or "geomcollection":
                return Make(column, PrimitiveType.Binary, ParquetColumn.Binary(name), ValueConversion.GeometryWkb);
            case "bit":
                {
                    var bits = column.NumericPrecision ?? 1;
                    if (bits == 1)
                    {
                        return Make(column, PrimitiveType.Boolean, ParquetColumn.Boolean(name), ValueConversion.BitBoolean);
                    }

                    return options.MultiBit == BitMapping.Binary
                        ? Make(column, PrimitiveType.Binary, ParquetColumn.Binary(name), ValueConversion.Binary)
                        : Make(column, PrimitiveType.Long, ParquetColumn.Int64(name), ValueConversion.BitLong);
                }

            default:
                return null;
        }
    }

    private static MappedColumn Make(SourceColumn column, DeltaType deltaType, ParquetColumn parquet, ValueConversion conversion) =>
        new(column, deltaType, parquet, conversion);
}

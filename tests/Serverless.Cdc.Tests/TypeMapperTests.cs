using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Cdc.Tests;

public sealed class TypeMapperTests
{
    private static SourceColumn Column(string dataType, string columnType, int? precision = null, int? scale = null) => new()
    {
        Name = "c",
        Ordinal = 1,
        DataType = dataType,
        ColumnType = columnType,
        NumericPrecision = precision,
        NumericScale = scale,
    };

    [Theory]
    [InlineData("tinyint", "tinyint(4)", "byte", ValueConversion.Int8)]
    [InlineData("tinyint", "tinyint(3) unsigned", "short", ValueConversion.Int16)]
    [InlineData("smallint", "smallint(6)", "short", ValueConversion.Int16)]
    [InlineData("smallint", "smallint(5) unsigned", "integer", ValueConversion.Int32)]
    [InlineData("mediumint", "mediumint(9)", "integer", ValueConversion.Int32)]
    [InlineData("mediumint", "mediumint(8) unsigned", "integer", ValueConversion.Int32)]
    [InlineData("int", "int(11)", "integer", ValueConversion.Int32)]
    [InlineData("int", "int(10) unsigned", "long", ValueConversion.Int64)]
    [InlineData("bigint", "bigint(20)", "long", ValueConversion.Int64)]
    [InlineData("bigint", "bigint(20) unsigned", "decimal(20,0)", ValueConversion.UInt64Decimal)]
    [InlineData("float", "float", "float", ValueConversion.Float)]
    [InlineData("double", "double", "double", ValueConversion.Double)]
    [InlineData("date", "date", "date", ValueConversion.Date)]
    [InlineData("datetime", "datetime(6)", "timestamp_ntz", ValueConversion.DateTimeNtz)]
    [InlineData("timestamp", "timestamp", "timestamp", ValueConversion.TimestampUtc)]
    [InlineData("time", "time(6)", "string", ValueConversion.Text)]
    [InlineData("year", "year(4)", "short", ValueConversion.Int16)]
    [InlineData("char", "char(3)", "string", ValueConversion.Text)]
    [InlineData("varchar", "varchar(255)", "string", ValueConversion.Text)]
    [InlineData("longtext", "longtext", "string", ValueConversion.Text)]
    [InlineData("enum", "enum('a','b')", "string", ValueConversion.Text)]
    [InlineData("set", "set('a','b')", "string", ValueConversion.Text)]
    [InlineData("json", "json", "string", ValueConversion.Text)]
    [InlineData("inet6", "inet6", "string", ValueConversion.Text)]
    [InlineData("uuid", "uuid", "string", ValueConversion.Text)]
    [InlineData("binary", "binary(16)", "binary", ValueConversion.Binary)]
    [InlineData("varbinary", "varbinary(10)", "binary", ValueConversion.Binary)]
    [InlineData("longblob", "longblob", "binary", ValueConversion.Binary)]
    [InlineData("geometry", "geometry", "binary", ValueConversion.GeometryWkb)]
    [InlineData("point", "point", "binary", ValueConversion.GeometryWkb)]
    [InlineData("multipolygon", "multipolygon", "binary", ValueConversion.GeometryWkb)]
    public void TypesMapAsDesignSays(string dataType, string columnType, string deltaType, ValueConversion conversion)
    {
        var m = TypeMapper.TryMap(Column(dataType, columnType))!;

        Assert.Equal(deltaType, m.DeltaType.TypeName);
        Assert.Equal(conversion, m.Conversion);
    }

    [Fact]
    public void NarrowIntegersGetNarrowParquetLogicalTypes()
    {
        Assert.Equal(8, TypeMapper.TryMap(Column("tinyint", "tinyint(4)"))!.Parquet.LogicalType!.BitWidth);
        Assert.Equal(16, TypeMapper.TryMap(Column("smallint", "smallint(6)"))!.Parquet.LogicalType!.BitWidth);
        Assert.Equal(ParquetPhysicalType.Int64, TypeMapper.TryMap(Column("int", "int(10) unsigned"))!.Parquet.PhysicalType);
    }

    [Theory]
    [InlineData(10, 2, "decimal(10,2)", ValueConversion.Decimal)]
    [InlineData(38, 10, "decimal(38,10)", ValueConversion.Decimal)]
    [InlineData(39, 0, "string", ValueConversion.Text)]
    [InlineData(65, 30, "string", ValueConversion.Text)]
    public void DecimalsBeyondPrecision38BecomeStrings(int precision, int scale, string deltaType, ValueConversion conversion)
    {
        var m = TypeMapper.TryMap(Column("decimal", $"decimal({precision},{scale})", precision, scale))!;

        Assert.Equal(deltaType, m.DeltaType.TypeName);
        Assert.Equal(conversion, m.Conversion);
    }

    [Fact]
    public void BitWidthAndOptionsChooseBooleanLongOrBinary()
    {
        Assert.Equal(PrimitiveType.Boolean, TypeMapper.TryMap(Column("bit", "bit(1)", 1))!.DeltaType);
        Assert.Equal(PrimitiveType.Long, TypeMapper.TryMap(Column("bit", "bit(12)", 12))!.DeltaType);
        Assert.Equal(PrimitiveType.Binary, TypeMapper.TryMap(Column("bit", "bit(12)", 12), new TypeMappingOptions { MultiBit = BitMapping.Binary })!.DeltaType);
    }

    [Fact]
    public void TimeCanMapToMicroseconds()
    {
        var m = TypeMapper.TryMap(Column("time", "time"), new TypeMappingOptions { Time = TimeMapping.Microseconds })!;

        Assert.Equal(PrimitiveType.Long, m.DeltaType);
        Assert.Equal(ValueConversion.TimeMicroseconds, m.Conversion);
    }

    [Fact]
    public void FloatIsSelectedAsDoubleForExactDigits()
    {
        Assert.Equal("CAST(`c` AS DOUBLE)", TypeMapper.TryMap(Column("float", "float"))!.SelectExpression);
        Assert.Equal("`c`", TypeMapper.TryMap(Column("double", "double"))!.SelectExpression);
    }

    [Fact]
    public void TableMappingAddsCdcColumnsAndSoftDeleteFlag()
    {
        var table = new SourceTable { Database = "shop", Name = "t", Columns = [Column("int", "int(11)") with { Name = "id" }], KeyColumns = ["id"], KeySource = TableKeySource.PrimaryKey };

        var plain = TypeMapper.Map(table);
        var soft = TypeMapper.Map(table, softDelete: true);

        Assert.Equal(["id", "_cdc_position", "_cdc_ts"], plain.ParquetSchema.Columns.Select(c => c.Name));
        Assert.Equal(["id", "_cdc_position", "_cdc_ts", "_cdc_deleted"], soft.ParquetSchema.Columns.Select(c => c.Name));
        Assert.Equal("decimal(38,0)", plain.DeltaFields[1].Type.TypeName);
        Assert.False(plain.DeltaFields[1].Nullable);
        Assert.Equal("timestamp", plain.DeltaFields[2].Type.TypeName);
        Assert.Equal("boolean", soft.DeltaFields[3].Type.TypeName);
    }

    [Fact]
    public void UnsupportedTypesAreAllNamedWithTableColumnTypeAndFix()
    {
        var table = new SourceTable
        {
            Database = "shop",
            Name = "weird",
            Columns = [Column("int", "int(11)") with { Name = "id" }, Column("hologram", "hologram(3)") with { Name = "h1" }, Column("tesseract", "tesseract") with { Name = "h2" }],
        };

        var e = Assert.Throws<UnsupportedColumnTypeException>(() => TypeMapper.Map(table));

        Assert.Equal(["h1", "h2"], e.Columns.Select(c => c.Name));
        Assert.Contains("shop.weird", e.Message, StringComparison.Ordinal);
        Assert.Contains("'h1' hologram(3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("'h2' tesseract", e.Message, StringComparison.Ordinal);
        Assert.Contains("exclude", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReservedColumnNamesAreRefused()
    {
        var table = new SourceTable { Database = "shop", Name = "t", Columns = [Column("int", "int(11)") with { Name = "_CDC_TS" }] };

        var e = Assert.Throws<UnsupportedColumnTypeException>(() => TypeMapper.Map(table));
        Assert.Contains("_CDC_TS", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ColumnMappingRenamesParquetColumnsAndSetsFieldIds()
    {
        var table = new SourceTable { Database = "shop", Name = "t", Columns = [Column("int", "int(11)") with { Name = "id" }] };
        var mapping = TypeMapper.Map(table);
        var fields = mapping.DeltaFields
            .Select((f, i) => f.WithMetadata(StructField.ColumnMappingIdKey, System.Text.Json.JsonDocument.Parse((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)).RootElement)
                               .WithMetadata(StructField.PhysicalNameKey, System.Text.Json.JsonDocument.Parse($"\"col-{i}\"").RootElement))
            .ToList();

        var mapped = mapping.ForLakeTable(fields, columnMapping: true);

        Assert.Equal(["col-0", "col-1", "col-2"], mapped.ParquetSchema.Columns.Select(c => c.Name));
        Assert.Equal([1, 2, 3], mapped.ParquetSchema.Columns.Select(c => c.FieldId ?? 0));
        Assert.Equal("id", mapped.Columns[0].Source.Name);
    }

    [Theory]
    [InlineData("int", "int(11)", false)]
    [InlineData("bigint", "bigint(20) unsigned", false)]
    [InlineData("decimal", "decimal(38,0)", false)]
    [InlineData("varchar", "varchar(10)", false)]
    [InlineData("time", "time", false)]
    [InlineData("year", "year(4)", false)]
    [InlineData("date", "date", true)]
    [InlineData("datetime", "datetime", true)]
    [InlineData("timestamp", "timestamp", true)]
    public void NotNullColumnsAreNotNullInTheLakeUnlessZeroDatesMapToNull(string dataType, string columnType, bool nullable)
    {
        var m = TypeMapper.TryMap(Column(dataType, columnType, 38, 0) with { IsNullable = false })!;
        var withZeroDate = TypeMapper.TryMap(Column(dataType, columnType, 38, 0) with { IsNullable = false }, new TypeMappingOptions { ZeroDateValue = new DateOnly(1970, 1, 1) })!;
        var nullableSource = TypeMapper.TryMap(Column(dataType, columnType, 38, 0))!;

        Assert.Equal(nullable, m.Nullable);
        Assert.Equal(!nullable, m.Parquet.IsRequired);
        Assert.False(withZeroDate.Nullable);
        Assert.True(withZeroDate.Parquet.IsRequired);
        Assert.True(nullableSource.Nullable);
        Assert.False(nullableSource.Parquet.IsRequired);
    }

    [Fact]
    public void DeltaFieldsCarrySourceNullabilityAndChangeColumnsAreNotNull()
    {
        var table = new SourceTable
        {
            Database = "shop",
            Name = "t",
            Columns = [Column("int", "int(11)") with { Name = "id", IsNullable = false }, Column("int", "int(11)") with { Name = "qty", Ordinal = 2 }],
        };

        var fields = TypeMapper.Map(table, softDelete: true).DeltaFields;

        Assert.Equal([false, true, false, false, false], fields.Select(f => f.Nullable));
        Assert.Equal(["id", "qty", CdcColumns.Position, CdcColumns.Timestamp, CdcColumns.Deleted], fields.Select(f => f.Name));
    }

    [Fact]
    public void ParquetColumnsFollowTheLakeTablesNullabilityNotTheSources()
    {
        // The lake table was created when id allowed null and _cdc_ts was nullable; the source has since made id NOT NULL.
        var table = new SourceTable { Database = "shop", Name = "t", Columns = [Column("int", "int(11)") with { Name = "id", IsNullable = false }] };
        var mapping = TypeMapper.Map(table);
        var lake = mapping.DeltaFields.Select(f => f.Name == CdcColumns.Position ? f : f with { Nullable = true }).ToList();

        var conformed = mapping.ForLakeTable(lake, columnMapping: false);

        Assert.Equal([false, true, false], conformed.ParquetSchema.Columns.Select(c => c.IsRequired));
        Assert.Equal(["id", CdcColumns.Position, CdcColumns.Timestamp], conformed.ParquetSchema.Columns.Select(c => c.Name));
        Assert.Equal([true, true, true], mapping.ParquetSchema.Columns.Select(c => c.IsRequired));
    }

    [Fact]
    public void PositionEncodesAsSixteenByteBigEndianDecimal()
    {
        var position = new Serverless.MySql.Replication.BinlogPosition("mariadb-bin.000002", 1234, 5);
        var bytes = RowConverter.EncodePosition(position.SortKey);

        Assert.Equal(16, bytes.Length);
        Assert.Equal((Int128)position.SortKey, System.Buffers.Binary.BinaryPrimitives.ReadInt128BigEndian(bytes));
    }
}

using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.DataFiles;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage;

namespace Serverless.Cli.Tests;

/// <summary>Tables written through the Delta library for the CLI tests: every primitive type, awkward values, a DV and a txn.</summary>
public static class WrittenTables
{
    public static IReadOnlyList<StructField> AllTypes { get; } =
    [
        new("id", PrimitiveType.Long, nullable: false),
        new("i32", PrimitiveType.Integer),
        new("i16", PrimitiveType.Short),
        new("i8", PrimitiveType.Byte),
        new("price", new DecimalType(10, 2)),
        new("big", new DecimalType(38, 6)),
        new("ratio", PrimitiveType.Double),
        new("f", PrimitiveType.Float),
        new("flag", PrimitiveType.Boolean),
        new("name", PrimitiveType.String),
        new("payload", PrimitiveType.Binary),
        new("day", PrimitiveType.Date),
        new("at", PrimitiveType.Timestamp),
        new("local", PrimitiveType.TimestampNtz),
    ];

    public static IReadOnlyList<object?[]> AllTypesRows { get; } =
    [
        [
            1L, -5, (short)300, (sbyte)-7, 1.5m, ParquetDecimal.Parse("12345678901234567890.123456"), 0.1, 0.1f, true, "plain",
            new byte[] { 0, 1, 2, 255 }, new DateOnly(2024, 2, 29), new DateTime(2024, 5, 1, 12, 34, 56, DateTimeKind.Utc).AddTicks(1_234_560),
            new DateTime(2024, 5, 1, 12, 34, 56, DateTimeKind.Unspecified).AddTicks(10),
        ],
        [
            2L, int.MaxValue, short.MinValue, sbyte.MaxValue, -0.05m, ParquetDecimal.Parse("-0.000001"), double.NaN, float.NegativeInfinity, false, "a,\"b\"\nc",
            Array.Empty<byte>(), new DateOnly(1969, 12, 31), DateTime.UnixEpoch.AddTicks(-10), new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified),
        ],
        [3L, null, null, null, null, null, null, null, null, null, null, null, null, null],
        [4L, null, null, null, null, null, null, null, null, string.Empty, null, null, null, null],
    ];

    /// <summary>
    /// Version 0 creates the table, version 1 writes <see cref="AllTypesRows"/> in one file, version 2 deletes the row with id 2
    /// through a deletion vector and records txn (cdc-0, 7).
    /// </summary>
    public static async Task<DeltaTable> WriteAllTypesTableAsync(IObjectStore store, string rootPath = "")
    {
        var table = await DeltaTable.CreateAsync(new TableLocation(store, rootPath), new TableDefinition(AllTypes) { Name = "all_types" });
        var file = await new DataFileWriter(table.Snapshot).WriteAsync(AllTypesRows);
        await table.CommitAsync(table.BeginTransaction().WithOperation("WRITE", new Dictionary<string, string> { ["mode"] = "Append" }).Add(file));

        var live = table.Snapshot.Files.Single();
        var deleteSecondRow = table.BeginTransaction()
            .WithOperation("DELETE")
            .UpdateDeletionVector(live, DeletionVectorStore.Inline(RoaringBitmapArray.Of([1L])))
            .SetAppTransaction("cdc-0", 7);
        await table.CommitAsync(deleteSecondRow);
        return table;
    }

    public static IReadOnlyList<string> AllTypesCsv { get; } =
    [
        "id,i32,i16,i8,price,big,ratio,f,flag,name,payload,day,at,local",
        "1,-5,300,-7,1.50,12345678901234567890.123456,0.1,0.1,true,plain,AAEC/w==,2024-02-29,2024-05-01T12:34:56.123456Z,2024-05-01T12:34:56.000001",
        "2,2147483647,-32768,127,-0.05,-0.000001,NaN,-Infinity,false,\"a,\"\"b\"\"\nc\",\"\",1969-12-31,1969-12-31T23:59:59.999999Z,0001-01-01T00:00:00.000000",
        "3,,,,,,,,,,,,,",
        "4,,,,,,,,,\"\",,,,",
    ];

    /// <summary>The JSON lines of <see cref="AllTypesRows"/>: long and decimal values are strings of their exact digits.</summary>
    public static IReadOnlyList<string> AllTypesJson { get; } =
    [
        """{"id":"1","i32":-5,"i16":300,"i8":-7,"price":"1.50","big":"12345678901234567890.123456","ratio":0.1,"f":0.1,"flag":true,"name":"plain","payload":"AAEC/w==","day":"2024-02-29","at":"2024-05-01T12:34:56.123456Z","local":"2024-05-01T12:34:56.000001"}""",
        """{"id":"2","i32":2147483647,"i16":-32768,"i8":127,"price":"-0.05","big":"-0.000001","ratio":"NaN","f":"-Infinity","flag":false,"name":"a,\"b\"\nc","payload":"","day":"1969-12-31","at":"1969-12-31T23:59:59.999999Z","local":"0001-01-01T00:00:00.000000"}""",
        """{"id":"3","i32":null,"i16":null,"i8":null,"price":null,"big":null,"ratio":null,"f":null,"flag":null,"name":null,"payload":null,"day":null,"at":null,"local":null}""",
        """{"id":"4","i32":null,"i16":null,"i8":null,"price":null,"big":null,"ratio":null,"f":null,"flag":null,"name":"","payload":null,"day":null,"at":null,"local":null}""",
    ];

    /// <summary>Lines of <paramref name="all"/> (header first when it has one) without the row of id 2, which version 2 deletes.</summary>
    public static IReadOnlyList<string> WithoutSecondRow(IReadOnlyList<string> all, bool hasHeader) =>
        all.Where((_, i) => i != (hasHeader ? 2 : 1)).ToList();
}

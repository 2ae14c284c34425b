using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Capture;
using Serverless.Cdc.IntegrationTests.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Scanning;
using Serverless.Storage.Local;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// Schema changes end to end on the shared MariaDB: a test database, capture from P0 into a one-partition embedded change
/// log (<see cref="CaptureRig"/>), and lake tables <c>{db}_{table}</c> in a local folder that writers with a
/// <see cref="SchemaChangeEvolver"/> apply the log to. Rows are compared as "v1|v2|..." text, as the source prints them.
/// </summary>
internal sealed class DdlStreamRig : IAsyncDisposable
{
    private readonly TempDirectory folder;
    private CaptureStart? p0;

    private DdlStreamRig(SourceDatabase db, string name)
    {
        Db = db;
        Capture = new CaptureRig(name, partitions: 1);
        folder = new TempDirectory(name + "-lake");
        Store = new LocalFolderObjectStore(folder.Path);
    }

    public SourceDatabase Db { get; }

    public CaptureRig Capture { get; }

    public LocalFolderObjectStore Store { get; }

    public static async Task<DdlStreamRig> CreateAsync(string database) => new(await SourceDatabase.CreateAsync(database), database);

    public TableLocation Location(string database, string table) => new(Store, database + "_" + table + "/");

    public string Folder(string table) => Path.Combine(folder.Path, Db.Name + "_" + table);

    /// <summary>The table as discovery reads it now, with its lake table created (and marked live unless told not to).</summary>
    public async Task<WriterTable> LakeTableAsync(string table, bool live = true)
    {
        var source = await DiscoverAsync(table);
        var mapping = TypeMapper.Map(source);
        var lake = await DeltaTable.CreateAsync(Location(Db.Name, table), new TableDefinition(mapping.DeltaFields));
        if (live)
        {
            await SnapshotCompletion.MarkAsync(lake);
        }

        return new WriterTable(mapping, lake) { SchemaVersion = 1 };
    }

    public async Task<SourceTable> DiscoverAsync(string table)
    {
        var selection = new TableSelection { Include = [TablePattern.TryParse(Db.Name + "." + table, out _)!] };
        return Assert.Single(await SchemaDiscovery.DiscoverAsync(Db.Admin, selection));
    }

    /// <summary>Records P0: capture starts here.</summary>
    public async Task StartAsync() => p0 = await CaptureRig.StartPositionAsync(Db.Admin);

    /// <summary>Captures the binlog from P0 to its end into the log.</summary>
    public async Task CaptureAsync() =>
        await Capture.RunAsync(CaptureRig.Options("ddl", CaptureRig.Replication(SourceDatabase.AdminOptions()), Db.Name, p0 ?? throw new InvalidOperationException("StartAsync first")));

    public SchemaChangeEvolver Evolver(SchemaChangeBehavior behavior) => new(
        new SchemaChangeOptions
        {
            Behavior = behavior,
            LakeLocation = Location,
            Tables = new TableSelection { Include = [TablePattern.TryParse(Db.Name + ".*", out _)!], Exclude = [TablePattern.TryParse(Db.Name + ".ignored*", out _)!] },
            JobName = "ddl",
        },
        NullLogger.Instance);

    public PartitionWriter Writer(IEnumerable<WriterTable> tables, SchemaChangeBehavior behavior) => new(Capture.Log, 0, tables, Evolver(behavior));

    public async Task<List<string>> SourceRowsAsync(string table, params string[] columns)
    {
        var rows = await Db.Admin.QueryTextRowsAsync($"SELECT {string.Join(", ", columns.Select(SqlText.Identifier))} FROM {SqlText.Identifier(table)}");
        return Sorted(rows.Select(r => string.Join("|", r.Select(v => v ?? "null"))));
    }

    /// <summary>The lake table's live rows by our Delta reader.</summary>
    public async Task<List<string>> LakeRowsAsync(string table, params string[] columns)
    {
        var lake = await DeltaTable.OpenAsync(Location(Db.Name, table));
        var rows = new List<string>();
        await foreach (var row in new DeltaScan(lake.Snapshot).Select(columns).ReadRowsAsync())
        {
            rows.Add(string.Join("|", row.Select(WriterLake.Text)));
        }

        return Sorted(rows);
    }

    /// <summary>
    /// The lake table's live rows as DuckDB reads its Parquet files: the files the log lists, by their physical (column-mapped)
    /// names, merged by name (files from before an added column read it as null, widened columns unify), deletion vectors applied.
    /// </summary>
    public async Task<List<string>> DuckDbRowsAsync(string table, params string[] columns)
    {
        var lake = await DeltaTable.OpenAsync(Location(Db.Name, table));
        var snapshot = lake.Snapshot;
        if (snapshot.Files.Count == 0)
        {
            return [];
        }

        var paths = new List<string>();
        var deleted = new List<string>();
        foreach (var file in snapshot.Files)
        {
            var path = DuckDb.Literal(Path.Combine(Folder(table), DeltaPath.Decode(file.Path)));
            paths.Add(path);
            if (file.DeletionVector is not null)
            {
                var rows = string.Join(",", (await DeletionVectorStore.ReadAsync(lake.Location, file.DeletionVector)).Values());
                deleted.Add($"NOT (filename = {path} AND file_row_number IN ({rows}))");
            }
        }

        var select = string.Join(", ", columns.Select(c => $"CAST(\"{snapshot.Schema.FindField(c)!.PhysicalName}\" AS VARCHAR)"));
        var duck = await DuckDb.QueryAsync(
            $"SELECT {select} FROM read_parquet([{string.Join(", ", paths)}], union_by_name = true, filename = true, file_row_number = true)" +
            (deleted.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", deleted)));
        return Sorted(duck.Rows.Select(r => string.Join("|", r.Select(v => v.ValueKind == JsonValueKind.Null ? "null" : v.GetString()))));
    }

    public async Task<Delta.Log.Snapshot> LakeSnapshotAsync(string table) => (await DeltaTable.OpenAsync(Location(Db.Name, table))).Snapshot;

    private static List<string> Sorted(IEnumerable<string> rows)
    {
        var list = rows.ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        Capture.Dispose();
        folder.Dispose();
        await Db.DisposeAsync();
    }
}

using System.Globalization;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Scanning;
using Serverless.Storage.Local;

namespace Serverless.Cdc.IntegrationTests.Capture;

/// <summary>
/// The failover tests' lake: a live Delta table for <c>cap_failover.t</c> in the rig's folder, mapped from the source
/// as discovery sees it, and the writer of the change-log partition the table's changes go to.
/// </summary>
internal sealed class FailoverLake : IDisposable
{
    private readonly TableLocation location;

    private FailoverLake(TableLocation location, PartitionWriter writer)
    {
        this.location = location;
        Writer = writer;
    }

    public PartitionWriter Writer { get; }

    /// <summary>Creates the table from <paramref name="server"/>'s schema; <paramref name="published"/> says which partition to write.</summary>
    public static async Task<FailoverLake> CreateAsync(CaptureRig rig, PrivateMariaDb server, IReadOnlyList<ReceivedChange> published)
    {
        TableMapping mapping;
        await using (var connection = await server.OpenAsync())
        {
            var selection = new TableSelection { Include = [TablePattern.TryParse("cap_failover.t", out _)!] };
            mapping = TypeMapper.Map(Assert.Single(await SchemaDiscovery.DiscoverAsync(connection, selection)));
        }

        var folder = rig.File("lake");
        Directory.CreateDirectory(folder);
        var location = new TableLocation(new LocalFolderObjectStore(folder), "cap_failover_t/");
        var table = await DeltaTable.CreateAsync(location, new TableDefinition(mapping.DeltaFields));
        await SnapshotCompletion.MarkAsync(table);
        var partition = Assert.Single(published.Select(r => r.Partition).Distinct());
        return new FailoverLake(location, new PartitionWriter(rig.Log, partition, [new WriterTable(mapping, table)]));
    }

    /// <summary>The table's live rows by id: origin and <c>_cdc_position</c> as decimal text.</summary>
    public async Task<Dictionary<string, (string Origin, string Position)>> RowsAsync()
    {
        var table = await DeltaTable.OpenAsync(location);
        var rows = new Dictionary<string, (string Origin, string Position)>(StringComparer.Ordinal);
        await foreach (var row in new DeltaScan(table.Snapshot).Select("id", "origin", CdcColumns.Position).ReadRowsAsync())
        {
            rows.Add(Convert.ToString(row[0], CultureInfo.InvariantCulture)!, ((string)row[1]!, row[2]!.ToString()!));
        }

        return rows;
    }

    public void Dispose() => Writer.Dispose();
}

using Serverless.Cdc.Transport.Embedded;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Storage.Local;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// The test assembly as a writer process (<c>write LOG LAKE TABLE...</c>, dispatched from <see cref="Transport.TransportHostProgram"/>):
/// streams partition 0 of the embedded log in LOG into the <see cref="WriterLake.OrdersTable"/> tables under LAKE, committing
/// small batches often, until it is killed. An error is written to LAKE/writer-error.txt for the test to show.
/// </summary>
internal static class WriterHostProgram
{
    /// <summary>Small, frequent commits: many commit points for a kill to land between.</summary>
    public static WriterOptions Options { get; } = new() { ReadBatchSize = 64, Commit = new CommitPolicy { MaxBufferedChanges = 150, MaxBufferAge = TimeSpan.FromMilliseconds(20) } };

    public static async Task<int> RunAsync(string logDirectory, string lakeDirectory, IReadOnlyList<string> tableNames, CancellationToken cancellationToken)
    {
        try
        {
            var log = EmbeddedChangeLog.Open(logDirectory, new EmbeddedChangeLogOptions { CrossProcessPollInterval = TimeSpan.FromMilliseconds(20) });
            var store = new LocalFolderObjectStore(lakeDirectory);
            var tables = new List<WriterTable>();
            foreach (var name in tableNames)
            {
                var source = WriterLake.OrdersTable(name);
                tables.Add(new WriterTable(Schema.TypeMapper.Map(source), await DeltaTable.OpenAsync(new TableLocation(store, "shop_" + name + "/"), cancellationToken: cancellationToken)));
            }

            using var writer = new PartitionWriter(log, 0, tables, options: Options);
            await writer.RunAsync(cancellationToken);
            return 0;
        }
        catch (Exception e)
        {
            await File.WriteAllTextAsync(Path.Combine(lakeDirectory, "writer-error.txt"), e.ToString(), CancellationToken.None);
            return 1;
        }
    }
}

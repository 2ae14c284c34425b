using Serverless.MySql.Client;
using Serverless.MySql.Replication;

namespace Serverless.Bench;

/// <summary>
/// The freshness peer: a bare replication client (our <see cref="BinlogReplicationStream"/>, nothing else) reading the
/// binlog from the same start as capture and noting when each row change of the benchmark table arrives, by GTID. Its
/// delay from source commit is what the binlog itself costs; the pipeline's lag above it is what capture, the change log
/// and the writer add.
/// </summary>
public sealed class BinlogDelayProbe
{
    private readonly List<(string Gtid, DateTime ReceivedUtc)> arrivals = [];

    public IReadOnlyList<(string Gtid, DateTime ReceivedUtc)> Arrivals => arrivals;

    public async Task RunAsync(BinlogPosition start, uint serverId, CancellationToken cancellationToken)
    {
        var options = new BinlogReplicationOptions
        {
            Connection = MySqlBenchData.Connection with { User = "cdc_repl", Password = "cdc_repl", Name = "bench-cdc-probe" },
            ServerId = serverId,
            StartPosition = start,
            TableFilter = t => t.DatabaseName == CdcBenchData.Database && t.TableName == CdcBenchData.Table,
            HeartbeatPeriod = TimeSpan.FromSeconds(1),
        };
        await using var stream = new BinlogReplicationStream(options);
        try
        {
            await foreach (var e in stream.ReadAsync(cancellationToken))
            {
                if (e is RowChange row && row.Gtid is { } gtid)
                {
                    arrivals.Add((gtid, DateTime.UtcNow));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or MySqlException or IOException && cancellationToken.IsCancellationRequested)
        {
            // Stopped by the benchmark.
        }
    }
}

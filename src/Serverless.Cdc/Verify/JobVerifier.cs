using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Delta;
using Serverless.MySql.Client;
using Serverless.Storage;

namespace Serverless.Cdc.Verify;

/// <summary>
/// Verifies the tables of a job (what <c>serverless verify</c> runs): finds them at the source as the job does (its table
/// patterns and key overrides), opens each one's lake table under the job's naming rules, and compares them one table at
/// a time with <see cref="TableVerifier"/>, in ranges of the job's <c>snapshot.chunkRows</c>.
/// </summary>
public sealed class JobVerifier
{
    private readonly JobSpec spec;
    private readonly IObjectStore lake;
    private readonly VerifyOptions options;
    private readonly ILoggerFactory loggerFactory;
    private readonly MySqlConnectionOptions source;

    /// <exception cref="JobSpecException">The source password reference cannot be resolved.</exception>
    public JobVerifier(JobSpec spec, IObjectStore lake, VerifyOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(lake);
        this.spec = spec;
        this.lake = lake;
        this.options = (options ?? new VerifyOptions()) with { ChunkRows = spec.Snapshot.ChunkRows, ChunkBytes = spec.Snapshot.ChunkBytes };
        this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        source = spec.Source.ToConnectionOptions("serverless " + spec.Name);
    }

    /// <summary>The job's tables at the source now, ordered by database and name.</summary>
    public async Task<IReadOnlyList<SourceTable>> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        var connection = await MySqlConnection.OpenAsync(source with { Name = $"{source.Name} verify discovery" }, loggerFactory.CreateLogger<MySqlConnection>(), cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SchemaDiscovery.DiscoverAsync(connection, spec.Tables, spec.KeyOverrides, loggerFactory.CreateLogger(typeof(SchemaDiscovery)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The lake table name of <paramref name="table"/>.</summary>
    public string LakeTableName(SourceTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return spec.Target.Naming.LakeTableName(table.Database, table.Name);
    }

    /// <summary>Compares <paramref name="table"/> with its lake table.</summary>
    /// <exception cref="VerificationException">The lake table does not exist yet, or the table cannot be verified.</exception>
    public async Task<TableVerification> VerifyAsync(SourceTable table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var name = LakeTableName(table);
        var location = new TableLocation(lake, name);
        if (!await HasLogAsync(location, cancellationToken).ConfigureAwait(false))
        {
            throw new VerificationException(
                $"{table.QualifiedName} has no lake table yet: {lake.Location}/{name} holds no Delta log. Run the job first (serverless run --job ...), then verify.");
        }

        var delta = await DeltaTable.OpenAsync(location, logger: loggerFactory.CreateLogger<DeltaTable>(), cancellationToken: cancellationToken).ConfigureAwait(false);
        var verifier = new TableVerifier(source, spec.Types, options, loggerFactory.CreateLogger<TableVerifier>(), spec.Target.SoftDelete);
        return await verifier.VerifyAsync(table, name, delta, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> HasLogAsync(TableLocation location, CancellationToken cancellationToken)
    {
        await foreach (var _ in lake.ListAsync(location.LogFolder, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }
}

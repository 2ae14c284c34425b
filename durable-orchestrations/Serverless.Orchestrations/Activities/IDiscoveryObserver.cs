namespace Serverless.Orchestrations.Activities;

/// <summary>
/// Told when the DiscoverTables activity is about to read the binlog position and the tables (tests make a DDL land
/// between P0 and the discovery deterministically this way); none is registered in production.
/// </summary>
public interface IDiscoveryObserver
{
    ValueTask OnDiscoveringAsync(CancellationToken cancellationToken);
}

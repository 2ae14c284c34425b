namespace Serverless.Bench;

/// <summary>
/// One measured figure beside the peer's figure from the same run. <see cref="Ratio"/> is ours/peer for
/// rates (higher is better); for costs (bytes, seconds, memory) the benchmark inverts it so that a
/// ratio above 1 always means we did better, and says so in <see cref="Unit"/> and the conditions.
/// </summary>
public sealed record BenchmarkResult(
    string Metric,
    double Ours,
    double Peer,
    string PeerName,
    string Unit,
    double Ratio,
    double TargetRatio,
    string Conditions)
{
    public bool MeetsTarget => Ratio >= TargetRatio;

    public static BenchmarkResult Rate(string metric, double ours, double peer, string peerName, string unit, double target, string conditions) =>
        new(metric, ours, peer, peerName, unit, peer == 0 ? 0 : ours / peer, target, conditions);

    public static BenchmarkResult Cost(string metric, double ours, double peer, string peerName, string unit, double target, string conditions) =>
        new(metric, ours, peer, peerName, unit, ours == 0 ? 0 : peer / ours, target, conditions);
}

namespace Serverless.Bench;

/// <summary>
/// The peer: <c>mariadb-dump --quick --single-transaction DB [tables] &gt; /dev/null</c>, timed and measured the way
/// <see cref="MySqlPeerTool"/> measures MariaDB's other command-line tools.
/// </summary>
public static class SnapshotDumpPeer
{
    public static string CommandLine(SnapshotScenario scenario) =>
        $"mariadb-dump --quick --single-transaction -h127.0.0.1 -P{MySqlBenchData.Port} -u{MySqlBenchData.User} -p*** {scenario.Database}{(scenario.Tables.Count == 1 ? " " + scenario.Tables[0] : string.Empty)} > /dev/null";

    public static Task<MySqlPeerTool.Run> DumpAsync(SnapshotScenario scenario) =>
        MySqlPeerTool.RunAsync("mariadb-dump",
        [
            .. MySqlPeerTool.ClientArguments, "--skip-ssl", "--quick", "--single-transaction", scenario.Database,
            .. scenario.Tables.Count == 1 ? scenario.Tables : [],
        ]);
}

using System.Globalization;

namespace Serverless.Bench;

/// <summary>
/// A stretch of the binlog that may span files (another client may rotate the log while it is written): from
/// <see cref="Start"/> in the first file to <see cref="End"/> in the last, both event boundaries, and its size in bytes.
/// </summary>
public sealed record CdcBinlogStretch(IReadOnlyList<string> Files, long Start, long End, long Bytes)
{
    public override string ToString() => Files.Count == 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Files[0]} bytes {Start:N0}..{End:N0}")
        : string.Create(CultureInfo.InvariantCulture, $"{Files[0]} byte {Start:N0} to {Files[^1]} byte {End:N0} ({Files.Count} files)");

    /// <summary><c>mariadb-binlog --read-from-remote-server -v</c> over the stretch (decodes every row to pseudo-SQL) &gt; /dev/null.</summary>
    public Task<MySqlPeerTool.Run> DecodeWithMariaDbBinlogAsync() =>
        MySqlPeerTool.RunAsync("mariadb-binlog",
        [
            .. MySqlPeerTool.ClientArguments, "--skip-ssl", "--read-from-remote-server", "-v",
            string.Create(CultureInfo.InvariantCulture, $"--start-position={Start}"),
            string.Create(CultureInfo.InvariantCulture, $"--stop-position={End}"),
            .. Files,
        ]);
}

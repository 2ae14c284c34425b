namespace Serverless.Delta.Maintenance;

/// <summary>What a vacuum or log cleanup did (or, in a dry run, would do).</summary>
/// <param name="DeletedPaths">Store paths deleted (or to delete in a dry run).</param>
/// <param name="KeptUnreferencedYoungFiles">Unreferenced files left because they are younger than the retention (perhaps an in-flight write).</param>
/// <param name="ScannedFiles">Files examined.</param>
public sealed record VacuumResult(IReadOnlyList<string> DeletedPaths, int KeptUnreferencedYoungFiles, int ScannedFiles);

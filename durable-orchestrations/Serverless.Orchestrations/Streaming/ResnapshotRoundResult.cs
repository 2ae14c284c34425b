namespace Serverless.Orchestrations.Streaming;

/// <summary>What a re-snapshot round did: tables published (or found published), requests left waiting, and a summary.</summary>
public sealed record ResnapshotRoundResult(int Served, int Waiting, string Summary);

using System.Text.Json;

namespace Serverless.Functions.Tests;

/// <summary>What an HTTP function answered: status, content type and the parsed JSON body.</summary>
internal sealed record ApiAnswer(int Status, string? ContentType, JsonElement Body)
{
    public string Text(string property) => Body.GetProperty(property).GetString()!;

    public override string ToString() => $"{Status} {Body}";
}

using System.Text.Json;

namespace Serverless.Cdc.Jobs;

/// <summary>Reads a job spec from JSON text or a file; invalid specs throw <see cref="JobSpecException"/> listing every problem.</summary>
public static class JobSpecLoader
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 32 };

    public static JobSpec LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JobSpecException([new JobSpecError("$", $"the file cannot be read ({e.Message})", "check the path given with --job")], path);
        }

        return Parse(json, path);
    }

    public static JobSpec Parse(string json, string? source = null)
    {
        using (var document = ParseDocument(json, source))
        {
            var result = JobSpecValidator.Validate(document.RootElement);
            return result.IsValid ? result.Spec! : throw new JobSpecException(result.Errors, source);
        }
    }

    /// <summary>The spec's JSON document (comments and trailing commas allowed); a syntax error is the spec's one problem.</summary>
    internal static JsonDocument ParseDocument(string json, string? source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new JobSpecException(
                [new JobSpecError("$", $"not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}", "fix the JSON syntax there (quotes, commas, braces)")],
                source);
        }
    }
}

using System.Text.Json;
using Serverless.Cdc.Jobs;

namespace Serverless.Cdc.JobCatalog;

/// <summary>
/// What a spec kept by a service needs beyond what the CLI accepts: its name is the one it is stored under, its secrets
/// are references resolved where it runs (never the secret itself, which would then sit in the state store and come back
/// in every read), and it has no paths relative to a spec file, because there is none.
/// </summary>
internal static class StoredSpecRules
{
    public static IEnumerable<JobSpecError> Check(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        if (root.TryGetProperty("name", out var specName) && specName.ValueKind == JsonValueKind.String && !string.Equals(specName.GetString(), name, StringComparison.Ordinal))
        {
            yield return new JobSpecError("$.name", $"the spec is named '{specName.GetString()}' but is sent to the job '{name}'", $"send it to /api/jobs/{specName.GetString()} or set \"name\": \"{name}\"");
        }

        if (root.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.Object)
        {
            if (source.TryGetProperty("password", out var password) && password.ValueKind == JsonValueKind.String && password.GetString() is { Length: > 0 } text)
            {
                var secret = SecretReference.Parse(text);
                if (secret.Kind == SecretKind.Literal)
                {
                    yield return new JobSpecError(
                        "$.source.password",
                        "the password is written into the spec, and the job API keeps specs in the state store and returns them",
                        "reference it instead: \"env:NAME\" names an app setting (on Azure a Key Vault reference such as CDC_SOURCE_PASSWORD), \"file:/path\" a mounted secret");
                }
                else if (secret.Kind == SecretKind.File && secret.Value.Length > 0 && !Path.IsPathRooted(secret.Value))
                {
                    yield return RelativePath("$.source.password", secret.Value);
                }
            }

            if (source.TryGetProperty("tlsCaCertificate", out var ca) && ca.ValueKind == JsonValueKind.String && ca.GetString() is { Length: > 0 } caPath && !Path.IsPathRooted(caPath))
            {
                yield return RelativePath("$.source.tlsCaCertificate", caPath);
            }
        }

        if (root.TryGetProperty("target", out var target) && target.ValueKind == JsonValueKind.Object &&
            target.TryGetProperty("root", out var lakeRoot) && lakeRoot.ValueKind == JsonValueKind.String && lakeRoot.GetString()?.Trim() is { Length: > 0 } lake &&
            !Path.IsPathRooted(lake) && !lake.Contains("://", StringComparison.Ordinal) && !lake.Contains('=', StringComparison.Ordinal) &&
            !lake.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            yield return RelativePath("$.target.root", lake);
        }
    }

    private static JobSpecError RelativePath(string path, string value) =>
        new(path, $"'{value}' is a relative path, and a spec sent to the job API has no folder it could be relative to", "give an absolute path (or, for the lake, an https:// Blob URL)");
}

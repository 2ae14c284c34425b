using System.Text;
using Serverless.Storage;
using Serverless.Storage.Local;

namespace Serverless.Cdc.Preflight;

/// <summary>
/// Checks that a store can be written before any work starts: creates a small probe object at its root with
/// put-if-absent (the primitive the Delta log relies on) and deletes it. A refusal becomes a problem naming the store
/// and the fix: a read-only folder or a file in the way (local), a rejected key, a missing role or container (Blob).
/// Failures that may pass by themselves propagate, so the caller's retry policy handles them.
/// </summary>
public static class StorageProbe
{
    /// <summary>Probe objects start with this name; a crash between create and delete leaves one behind, harmlessly.</summary>
    public const string ProbeNamePrefix = "_serverless-preflight-probe-";

    public static async Task<PreflightProblem?> CheckAsync(IObjectStore store, ProbedStore target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(target);
        var path = ProbeNamePrefix + Guid.NewGuid().ToString("N");

        // A local root that does not exist yet is created by the probe's write: remove it again, so a failed preflight
        // (a typo in the path, a source problem) leaves no empty folders behind.
        var created = store is LocalFolderObjectStore local ? HighestMissingFolder(local.RootPath) : null;
        try
        {
            try
            {
                await store.PutIfAbsentAsync(path, "preflight probe"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Describe(e, store, target, "write to") is { } problem)
            {
                return problem;
            }

            try
            {
                await store.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Describe(e, store, target, "delete from") is { } problem)
            {
                // The job replaces partial files and compacts: it needs delete as well as create.
                return problem;
            }

            return null;
        }
        finally
        {
            if (created is not null && Directory.Exists(created) && !Directory.EnumerateFiles(created, "*", SearchOption.AllDirectories).Any())
            {
                Directory.Delete(created, recursive: true);
            }
        }
    }

    private static string? HighestMissingFolder(string folder)
    {
        string? missing = null;
        for (var f = folder; !string.IsNullOrEmpty(f) && !Directory.Exists(f) && !File.Exists(f); f = Path.GetDirectoryName(f))
        {
            missing = f;
        }

        return missing;
    }

    private static PreflightProblem? Describe(Exception failure, IObjectStore store, ProbedStore target, string action)
    {
        var what = $"cannot {action} {target.Name} {store.Location}";
        var elsewhere = target.Elsewhere;
        return failure switch
        {
            StorageAccessException denied => new(target.Check, target.Setting, $"{what}: {denied.Reason}.", denied.FixOr(elsewhere) + "."),
            StorageFullException full => new(target.Check, target.Setting, $"{what}: the disk is full.", $"free space there, or {elsewhere}. ({full.Message})"),
            StorageRequestException refused => new(target.Check, target.Setting, $"{what}: {Answer(refused)}.",
                (refused.Advice ?? (refused.Status == 0
                    ? "check the endpoint URL, DNS and network access (firewall, VNet, private endpoint) to the storage account"
                    : "check the account, the container and the identity's role assignments")).TrimEnd('.') + $"; or {elsewhere}."),
            Azure.Identity.AuthenticationFailedException noToken => new(target.Check, target.Setting, $"{what}: no access token could be obtained ({FirstLine(noToken.Message)}).",
                "give the host a managed identity with the 'Storage Blob Data Contributor' role on the account, or sign in (az login) when running locally; "
                + $"or use a connection string with the account key in {target.Setting}."),
            UnauthorizedAccessException => new(target.Check, target.Setting, $"{what}: permission denied ({failure.Message}).", $"make it writable for this user, or {elsewhere}."),
            _ => null,
        };
    }

    private static string Answer(StorageRequestException refused)
    {
        if (refused.Status == 0)
        {
            return $"the storage service could not be reached ({FirstLine(refused.InnerException?.Message ?? refused.Message)})";
        }

        var text = new StringBuilder().Append("HTTP ").Append(refused.Status);
        if (refused.ErrorCode is { } code)
        {
            text.Append(' ').Append(code);
        }

        if (refused.ServiceMessage is { } said)
        {
            text.Append(" (").Append(said.TrimEnd('.')).Append(')');
        }

        return text.ToString();
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text.Trim() : text[..end].Trim();
    }
}

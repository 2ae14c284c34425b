using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Serverless.Cdc.Jobs;
using Serverless.Storage.State;

namespace Serverless.Cdc.JobCatalog;

/// <summary>
/// The job specs a service runs (the function app's job API), in the state store: partition <c>jobspecs</c>, one entity
/// per job named by the job. Specs are validated like the CLI validates a spec file, every problem at once, plus
/// <see cref="StoredSpecRules"/>; what is stored is the submitted document without comments.
/// </summary>
public sealed class JobSpecCatalog
{
    private const string Partition = "jobspecs";
    private readonly IStateStore store;

    public JobSpecCatalog(IStateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        this.store = store;
    }

    /// <summary>Where the specs are kept, for messages.</summary>
    public string Location => store.Location;

    /// <summary>Validates <paramref name="json"/> as the spec of job <paramref name="name"/> and creates or replaces it.</summary>
    /// <returns>The stored spec, and whether it was created (false: an existing one was replaced).</returns>
    /// <exception cref="JobSpecException">The name or the spec is invalid; every problem is listed.</exception>
    public async Task<(CatalogedJobSpec Spec, bool Created)> PutAsync(string name, string json, CancellationToken cancellationToken = default)
    {
        EnsureValidName(name);
        ArgumentNullException.ThrowIfNull(json);
        var source = "job " + name;
        JobSpec spec;
        string stored;
        using (var document = JobSpecLoader.ParseDocument(json, source))
        {
            var result = JobSpecValidator.Validate(document.RootElement);
            var errors = result.Errors.Concat(StoredSpecRules.Check(document.RootElement, name)).ToList();
            if (errors.Count > 0)
            {
                throw new JobSpecException(errors, source);
            }

            spec = result.Spec!;
            stored = Canonical(document.RootElement);
        }

        if (stored.Length > StateEntity.MaxJsonLength)
        {
            throw new JobSpecException(
                [new JobSpecError("$", $"the spec is {stored.Length:N0} characters without comments; the state store keeps at most {StateEntity.MaxJsonLength:N0}", "shorten it, e.g. replace long table lists with patterns")],
                source);
        }

        var existed = await store.GetAsync(Partition, name, cancellationToken).ConfigureAwait(false) is not null;
        var entity = await store.UpsertAsync(Partition, name, stored, cancellationToken).ConfigureAwait(false);
        return (new CatalogedJobSpec(name, stored, spec, entity.Timestamp), !existed);
    }

    /// <summary>The job's spec, or null when there is no job of that name.</summary>
    /// <exception cref="JobSpecException">The name is invalid, or the stored spec no longer validates (send it again).</exception>
    public async Task<CatalogedJobSpec?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        EnsureValidName(name);
        var entity = await store.GetAsync(Partition, name, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : Read(entity);
    }

    /// <summary>Every job's spec, by name.</summary>
    public async IAsyncEnumerable<CatalogedJobSpec> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var entity in store.ListAsync(Partition, cancellationToken).ConfigureAwait(false))
        {
            yield return Read(entity);
        }
    }

    /// <summary>Removes the job's spec; false when there was none.</summary>
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        EnsureValidName(name);
        return store.DeleteAsync(Partition, name, cancellationToken: cancellationToken);
    }

    /// <exception cref="JobSpecException"><paramref name="name"/> is not a valid job name.</exception>
    public static void EnsureValidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!JobSpecValidator.IsValidJobName(name))
        {
            throw new JobSpecException(
                [new JobSpecError("name", $"'{name}' is not a valid job name", "use 1-63 letters, digits, '-' or '_', starting with a letter or digit")],
                "the request");
        }
    }

    private static CatalogedJobSpec Read(StateEntity entity) =>
        new(entity.RowKey, entity.Json, JobSpecLoader.Parse(entity.Json, $"job {entity.RowKey} as stored in {entity.PartitionKey}"), entity.Timestamp);

    private static string Canonical(JsonElement root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            root.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

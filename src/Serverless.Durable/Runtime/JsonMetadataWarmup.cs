using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Serverless.Durable.Runtime.Storage;

namespace Serverless.Durable.Runtime;

/// <summary>
/// Builds the System.Text.Json metadata of every generated history and payload type ahead of its first use, on a
/// thread-pool thread. Generated code still instantiates the serializer's generic metadata classes once per value-type
/// property type (about 1,100 methods JIT-compiled, 0.11 s of CPU for a snapshot job), and that happened on the
/// orchestration's own path, one step after another, while the machine's other core sat idle waiting for the first
/// chunk read. Preparing them beside the job's start moves that work off its critical path; the metadata lands in the
/// same options' caches the runtime serializes with, so nothing is built twice.
/// </summary>
public static class JsonMetadataWarmup
{
    /// <summary>Starts <see cref="PrepareAll"/> on the thread pool; the job does not wait for it.</summary>
    public static Task StartInBackground(DurableDataConverter payloads) =>
        Task.Run(() =>
        {
            try
            {
                PrepareAll(payloads);
            }
#pragma warning disable CA1031 // A type the serializer cannot describe fails again, with its real context, where it is used.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        });

    /// <summary>Prepares the history's types (as the instance store writes them) and the converter's generated types; returns how many.</summary>
    public static int PrepareAll(DurableDataConverter payloads)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        var count = Prepare(InstanceStore.Json, TypesOf(HistoryJsonContext.Default));
        return payloads.Generated is { } generated ? count + Prepare(payloads.Options, TypesOf(generated)) : count;
    }

    /// <summary>Every type <paramref name="context"/> has generated metadata for, nested property types included.</summary>
    public static IReadOnlyList<Type> TypesOf(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(JsonTypeInfo<>))
            .Select(p => p.PropertyType.GetGenericArguments()[0])
            .ToList();
    }

    /// <summary>Resolves each type's metadata through <paramref name="options"/>, which configures and caches it there.</summary>
    public static int Prepare(JsonSerializerOptions options, IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(types);
        var count = 0;
        foreach (var type in types)
        {
            _ = options.GetTypeInfo(type).Properties.Count;
            count++;
        }

        return count;
    }
}

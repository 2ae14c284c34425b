using DurableTask.Core;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace Serverless.Orchestrations.Embedded;

/// <summary>
/// JSON for DurableTask.Core's history events, task messages and status records. They are polymorphic (a
/// <see cref="TaskMessage"/> holds some <c>HistoryEvent</c>), so type names are written, as DurableTask's own stores
/// do; reading binds only types of DurableTask.Core and the base library, so a state file can name nothing else.
/// </summary>
internal static class HistoryJson
{
    static readonly JsonSerializerSettings Settings = new()
    {
        TypeNameHandling = TypeNameHandling.Auto,
        SerializationBinder = new CoreTypesBinder(),
        DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor,
        Formatting = Formatting.None,
    };

    public static string Serialize<T>(T value) => JsonConvert.SerializeObject(value, typeof(T), Settings);

    public static T Deserialize<T>(string json, string path) =>
        JsonConvert.DeserializeObject<T>(json, Settings)
        ?? throw new InvalidDataException($"State file {path} holds null; delete the state folder to start over.");

    sealed class CoreTypesBinder : ISerializationBinder
    {
        static readonly System.Reflection.Assembly Core = typeof(TaskMessage).Assembly;
        static readonly System.Reflection.Assembly BaseLibrary = typeof(object).Assembly;
        readonly DefaultSerializationBinder inner = new();

        public Type BindToType(string? assemblyName, string typeName)
        {
            var type = this.inner.BindToType(assemblyName, typeName);
            return type.Assembly == Core || type.Assembly == BaseLibrary
                ? type
                : throw new JsonSerializationException($"Type {typeName} is not a DurableTask.Core type; the state file was not written by this hub.");
        }

        public void BindToName(Type serializedType, out string? assemblyName, out string? typeName) =>
            this.inner.BindToName(serializedType, out assemblyName, out typeName);
    }
}

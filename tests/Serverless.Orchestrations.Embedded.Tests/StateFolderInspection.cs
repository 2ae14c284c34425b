using System.Globalization;
using DurableTask.Core;
using DurableTask.Core.History;

namespace Serverless.Orchestrations.Embedded.Tests;

/// <summary>Reads a hub's state folder the way the crash test needs, while the hub may still be writing it.</summary>
public static class StateFolderInspection
{
    /// <summary>
    /// Numbers (activity inputs) whose completion is persisted in the state folder: in a committed episode or as a
    /// result message waiting for one. Files renamed or deleted while reading are skipped (the host may be running).
    /// </summary>
    public static HashSet<int> PersistedCompletions(string stateFolder, string instanceId)
    {
        var directory = Path.Combine(StateFolder.InstancesDirectory(stateFolder), StateFolder.EncodeName(instanceId));
        var inputByTask = new Dictionary<int, int>();
        var completedTasks = new HashSet<int>();
        if (!Directory.Exists(directory))
        {
            return [];
        }

        foreach (var path in Directory.EnumerateFiles(directory, "*.json"))
        {
            string json;
            try
            {
                json = File.ReadAllText(path);
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            var name = Path.GetFileName(path);
            IEnumerable<HistoryEvent> events = name.StartsWith(StateFolder.BatchPrefix, StringComparison.Ordinal)
                ? HistoryJson.Deserialize<EpisodeBatch>(json, path).Events
                : [HistoryJson.Deserialize<TaskMessage>(json, path).Event];
            foreach (var e in events)
            {
                switch (e)
                {
                    case TaskScheduledEvent scheduled:
                        inputByTask[scheduled.EventId] = ActivityInput(scheduled.Input);
                        break;
                    case TaskCompletedEvent completed:
                        completedTasks.Add(completed.TaskScheduledId);
                        break;
                }
            }
        }

        return [.. completedTasks.Where(inputByTask.ContainsKey).Select(t => inputByTask[t])];
    }

    // DurableTask.Core records an activity's input as the JSON array of its arguments: one here.
    static int ActivityInput(string? input) =>
        input is not null && input.StartsWith('[')
            ? System.Text.Json.JsonSerializer.Deserialize<int[]>(input)![0]
            : int.Parse(input ?? string.Empty, CultureInfo.InvariantCulture);
}

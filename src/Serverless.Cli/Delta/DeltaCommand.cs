using System.CommandLine;

namespace Serverless.Cli.Delta;

/// <summary>`serverless delta ...`: read Delta tables directly from a folder or Blob storage.</summary>
internal static class DeltaCommand
{
    public static Command Create(CliConsole console) => new("delta", "Read Delta tables (local folder, file://, Blob URL or connection string).")
    {
        DeltaCatCommand.Create(console),
        DeltaLogCommand.Create(console),
    };
}

using System.Runtime.CompilerServices;

// The crash tests read the state folder's files to learn which activity results were persisted before the kill.
[assembly: InternalsVisibleTo("Serverless.Orchestrations.Embedded.Tests")]

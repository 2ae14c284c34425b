using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Serverless.Orchestrations.Embedded;

/// <summary>
/// Runs orchestrations written against the Durable Task SDK on this machine, durably: the SDK's gRPC worker and
/// client connect over a Unix domain socket to the SDK's sidecar server (InProcessTestHost's
/// <see cref="TaskHubGrpcServer"/>, which replays orchestrators with the SDK's own engine) hosted on Kestrel in this
/// process, and the server keeps its state in a <see cref="FileOrchestrationService"/>. A hub started on the state
/// folder of one that was killed resumes its instances.
/// </summary>
public sealed class EmbeddedTaskHub : IAsyncDisposable
{
    readonly WebApplication server;
    readonly IHost worker;
    readonly GrpcChannel channel;
    readonly FileOrchestrationService service;
    readonly string socketPath;
    bool stopped;

    EmbeddedTaskHub(WebApplication server, IHost worker, GrpcChannel channel, FileOrchestrationService service, string socketPath)
    {
        this.server = server;
        this.worker = worker;
        this.channel = channel;
        this.service = service;
        this.socketPath = socketPath;
        this.Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    /// <summary>Schedules, queries, raises events to and waits for orchestrations of this hub.</summary>
    public DurableTaskClient Client { get; }

    /// <summary>The worker's services (those added by <see cref="EmbeddedTaskHubOptions.ConfigureServices"/>).</summary>
    public IServiceProvider Services => this.worker.Services;

    public string StateFolder => this.service.StateFolderPath;

    public static async Task<EmbeddedTaskHub> StartAsync(EmbeddedTaskHubOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var service = FileOrchestrationService.Open(
            options.StateFolder, options.Service, loggerFactory.CreateLogger<FileOrchestrationService>());

        // Socket paths are limited to ~108 bytes, so the socket lives in the temp folder, not the state folder.
        var socketPath = Path.Combine(Path.GetTempPath(), $"dt-{Guid.NewGuid():N}.sock");
        WebApplication? server = null;
        IHost? worker = null;
        GrpcChannel? channel = null;
        try
        {
            server = BuildServer(service, socketPath, loggerFactory);
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            channel = UnixSocketChannel.Create(socketPath);
            worker = BuildWorker(options, channel, loggerFactory);
            await worker.StartAsync(cancellationToken).ConfigureAwait(false);
            return new EmbeddedTaskHub(server, worker, channel, service, socketPath);
        }
        catch
        {
            await StopPartsAsync(server, worker, channel, service, socketPath).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the worker (running activities finish), then the server, and releases the state folder.</summary>
    public async Task StopAsync()
    {
        if (this.stopped)
        {
            return;
        }

        this.stopped = true;
        await StopPartsAsync(this.server, this.worker, this.channel, this.service, this.socketPath).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await this.StopAsync().ConfigureAwait(false);

    static WebApplication BuildServer(FileOrchestrationService service, string socketPath, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        return app;
    }

    static IHost BuildWorker(EmbeddedTaskHubOptions options, GrpcChannel channel, ILoggerFactory loggerFactory)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        options.ConfigureServices?.Invoke(builder.Services);
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(channel);
            worker.AddTasks(options.Tasks);
        });
        builder.Services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(channel);
            client.RegisterDirectly();
        });
        return builder.Build();
    }

    static async Task StopPartsAsync(WebApplication? server, IHost? worker, GrpcChannel? channel, FileOrchestrationService service, string socketPath)
    {
        try
        {
            if (worker is not null)
            {
                await worker.StopAsync().ConfigureAwait(false);
                worker.Dispose();
            }

            if (channel is not null)
            {
                await channel.ShutdownAsync().ConfigureAwait(false);
                channel.Dispose();
            }

            if (server is not null)
            {
                await server.StopAsync().ConfigureAwait(false);
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            service.Dispose();
            File.Delete(socketPath);
        }
    }
}

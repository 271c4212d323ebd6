using System.Net;
using Lantern.Ami;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Status;
using Lantern.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Ami;

/// <summary>An AMI server on 127.0.0.1, port 0, over the real mailbox service on a temporary SQLite file, with fake time.</summary>
internal sealed class AmiTestHost : IAsyncDisposable
{
    public const string Secret = "s3cret!";

    private readonly SqliteStore _store;
    private readonly MailboxService _service;
    private readonly string _path;

    private AmiTestHost(AmiServer server, MailboxService mailboxes, SqliteStore store, string path, FakeTimeProvider time, AmiOptions options, ServerClock clock)
    {
        Clock = clock;
        _store = store;
        _service = mailboxes;
        _path = path;
        Server = server;
        Mailboxes = mailboxes;
        Time = time;
        Options = options;
    }

    public AmiServer Server { get; }

    public IMailboxService Mailboxes { get; }

    public FakeTimeProvider Time { get; }

    public AmiOptions Options { get; }

    public ServerClock Clock { get; }

    public IPEndPoint EndPoint => Server.LocalEndPoint!;

    /// <param name="before">Runs on the mailbox service before the server starts (state the server finds at start).</param>
    public static async Task<AmiTestHost> StartAsync(Action<AmiOptions>? configure = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null, Func<IMailboxService, Task>? before = null)
    {
        var options = new AmiOptions
        {
            Listen = "127.0.0.1:0",
            LoginFailureDelayMilliseconds = 0,
            Users =
            [
                new AmiUserOptions { Name = "admin", Secret = Secret, Write = true },
                new AmiUserOptions { Name = "reader", Secret = Secret, Write = false },
            ],
        };
        configure?.Invoke(options);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(Path.GetTempPath(), $"lantern-ami-{Guid.NewGuid():N}.db");
        var store = new SqliteStore(path, NullLogger<SqliteStore>.Instance);
        await store.MigrateAsync(CancellationToken.None);
        var mailboxes = new MailboxService(store.Mailboxes, time);
        await mailboxes.LoadAsync(CancellationToken.None);
        if (before is not null)
        {
            await before(mailboxes);
        }

        var clock = new ServerClock(time);
        var server = new AmiServer(options, options.MaxConnections, mailboxes, time, NullLogger<AmiServer>.Instance, meterFactory, clock: clock);
        await server.StartAsync(CancellationToken.None);
        return new AmiTestHost(server, mailboxes, store, path, time, options, clock);
    }

    public Task<AmiTestClient> ConnectAsync(int? receiveBufferSize = null, System.Net.IPAddress? local = null) => AmiTestClient.ConnectAsync(EndPoint, receiveBufferSize, local);

    /// <summary>Connects and logs in, consuming the login answer and FullyBooted.</summary>
    public async Task<AmiTestClient> LoginAsync(string user = "admin", bool events = true)
    {
        var client = await ConnectAsync();
        var reply = events
            ? await client.ActionAsync("Action: Login", "Username: " + user, "Secret: " + Secret)
            : await client.ActionAsync("Action: Login", "Username: " + user, "Secret: " + Secret, "Events: off");
        Assert.Equal("Success", reply["Response"]);
        Assert.Equal("FullyBooted", (await client.ReadAsync())["Event"]);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _service.Dispose();
        await _store.DisposeAsync();
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_path + suffix);
        }
    }
}

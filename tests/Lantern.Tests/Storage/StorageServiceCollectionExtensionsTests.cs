using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lantern.Tests.Storage;

public sealed class StorageServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lantern-di-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_path + suffix);
        }
    }

    private static async Task<(ServiceProvider Provider, IMailboxService Service)> StartAsync(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return (provider, provider.GetRequiredService<IMailboxService>());
    }

    [Fact]
    public async Task AddLanternStorage_SqliteOptions_InitializerLoadsAndWritesAreDurable()
    {
        var options = new StoreOptions { Sqlite = _path };
        var (provider, service) = await StartAsync(s => s.AddLanternStorage(options));
        var result = await service.UpdateAsync(MailboxId.Parse("1001"), MailboxSource.Api, MailboxUpdate.SetClass(MessageClass.Voice, 1, 2, 0, 0), null, CancellationToken.None);
        Assert.Equal(MailboxWriteStatus.Changed, result.Status);
        Assert.Same(service, provider.GetRequiredService<MailboxService>());
        Assert.True(await provider.GetRequiredService<ILanternStore>().PingAsync(CancellationToken.None));
        await provider.DisposeAsync();

        var (again, reloaded) = await StartAsync(s => s.AddLanternStorage(options));
        await using (again)
        {
            Assert.Equal(result.Mailbox, reloaded.Find(MailboxId.Parse("1001")));
        }
    }

    [Fact]
    public async Task AddLanternStorage_WithoutOptions_ReadsStoreFromLanternOptions()
    {
        var (provider, service) = await StartAsync(s => s
            .AddSingleton(Options.Create(new LanternOptions { Store = new StoreOptions { Sqlite = _path } }))
            .AddLanternStorage());
        await using (provider)
        {
            Assert.Equal("sqlite:" + _path, provider.GetRequiredService<ILanternStore>().Description);
            Assert.Empty(service.List(MailboxQuery.All));
        }
    }
}

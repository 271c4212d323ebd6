using System.Net;

namespace Lantern.Sip.Transport;

/// <summary>Open stream connections by id and by remote endpoint, bounded in total and per remote address.</summary>
internal sealed class SipConnectionTable
{
    private readonly Dictionary<long, SipConnection> _byId = [];
    private readonly Dictionary<IPEndPoint, List<SipConnection>> _byRemote = [];
    private readonly Lock _lock = new();
    private readonly AddressLimiter _limits;

    public SipConnectionTable(int max, int maxPerAddress)
    {
        _limits = new AddressLimiter(max, maxPerAddress);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Adds a connection, or names the limit that refuses it.</summary>
    public string? TryAdd(SipConnection connection)
    {
        lock (_lock)
        {
            if (_limits.TryEnter(connection.Remote.Address) is { } refused)
            {
                return refused;
            }

            _byId[connection.Id] = connection;
            if (!_byRemote.TryGetValue(connection.Remote, out var list))
            {
                list = [];
                _byRemote[connection.Remote] = list;
            }

            list.Add(connection);
            return null;
        }
    }

    public void Remove(SipConnection connection)
    {
        lock (_lock)
        {
            if (!_byId.Remove(connection.Id))
            {
                return;
            }

            _limits.Leave(connection.Remote.Address);
            if (_byRemote.TryGetValue(connection.Remote, out var list))
            {
                list.Remove(connection);
                if (list.Count == 0)
                {
                    _byRemote.Remove(connection.Remote);
                }
            }
        }
    }

    public SipConnection? Get(long id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var connection) && connection.IsOpen ? connection : null;
        }
    }

    /// <summary>The most recently opened open connection of the transport to the remote endpoint.</summary>
    public SipConnection? Find(SipTransportKind kind, IPEndPoint remote)
    {
        lock (_lock)
        {
            if (!_byRemote.TryGetValue(remote, out var list))
            {
                return null;
            }

            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (list[i].Kind == kind && list[i].IsOpen)
                {
                    return list[i];
                }
            }

            return null;
        }
    }

    public List<SipConnection> Snapshot()
    {
        lock (_lock)
        {
            return [.. _byId.Values];
        }
    }
}

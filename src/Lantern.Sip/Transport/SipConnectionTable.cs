using System.Net;

namespace Lantern.Sip.Transport;

/// <summary>Open stream connections by id and by remote endpoint, bounded in total and per remote address.</summary>
internal sealed class SipConnectionTable
{
    private readonly Dictionary<long, SipConnection> _byId = [];
    private readonly Dictionary<IPEndPoint, List<SipConnection>> _byRemote = [];
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Lock _lock = new();
    private readonly int _max;
    private readonly int _maxPerAddress;

    public SipConnectionTable(int max, int maxPerAddress)
    {
        _max = max;
        _maxPerAddress = maxPerAddress;
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
            if (_byId.Count >= _max)
            {
                return "connection limit reached";
            }

            _perAddress.TryGetValue(connection.Remote.Address, out var perAddress);
            if (perAddress >= _maxPerAddress)
            {
                return "per-address connection limit reached";
            }

            _byId[connection.Id] = connection;
            _perAddress[connection.Remote.Address] = perAddress + 1;
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

            if (_perAddress.TryGetValue(connection.Remote.Address, out var count))
            {
                if (count <= 1)
                {
                    _perAddress.Remove(connection.Remote.Address);
                }
                else
                {
                    _perAddress[connection.Remote.Address] = count - 1;
                }
            }

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

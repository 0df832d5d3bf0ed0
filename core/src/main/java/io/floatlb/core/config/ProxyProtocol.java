package io.floatlb.core.config;

/** The PROXY protocol header sent to backends ahead of the client's bytes. */
public enum ProxyProtocol {
    OFF,
    V1,
    V2
}

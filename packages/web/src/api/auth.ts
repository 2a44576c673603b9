import { request } from './client';
import type { ApiToken, CreatedToken, List, RoleName, TokenType, User, WhoAmI } from './types';

const enc = encodeURIComponent;

export const login = (username: string, password: string) =>
  request<{ user: User; csrfToken: string; expiresAt: string }>('/api/v1/auth/login', {
    method: 'POST',
    body: { username, password },
  });

export const logout = () => request<{ ok: true }>('/api/v1/auth/logout', { method: 'POST', body: {} });

export const whoami = () => request<WhoAmI>('/api/v1/auth/whoami');

export const listUsers = () => request<List<User>>('/api/v1/users');

export interface NewUser {
  username: string;
  password: string;
  role?: RoleName;
  groups?: string[];
  displayName?: string;
}

export const createUser = (user: NewUser) => request<User>('/api/v1/users', { method: 'POST', body: user });

export interface UserChange {
  role?: RoleName;
  groups?: string[];
  displayName?: string;
  disabled?: boolean;
  password?: string;
}

export const updateUser = (username: string, change: UserChange) =>
  request<User>(`/api/v1/users/${enc(username)}`, { method: 'PATCH', body: change });

export const deleteUser = (username: string) =>
  request<{ ok: true }>(`/api/v1/users/${enc(username)}`, { method: 'DELETE' });

export const listTokens = () => request<List<ApiToken>>('/api/v1/tokens');

export interface NewToken {
  name: string;
  role?: RoleName;
  type?: TokenType;
  expires?: string;
  project?: string;
  environment?: string;
}

export const createToken = (token: NewToken) =>
  request<CreatedToken>('/api/v1/tokens', { method: 'POST', body: token });

export const revokeToken = (id: string) =>
  request<{ ok: true }>(`/api/v1/tokens/${enc(id)}`, { method: 'DELETE' });

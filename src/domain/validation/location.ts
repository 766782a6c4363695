/** Location messages: decimal-degree coordinates within the globe's ranges. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { join, optionalString, requireNumber, type Json } from './fields.js';

export function validateLocation(location: Json, path: string): Json {
  const latitude = requireNumber(location, 'latitude', path);
  const longitude = requireNumber(location, 'longitude', path);
  if (latitude < -90 || latitude > 90)
    throw gatewayError('invalid_coordinates', { detail: `Latitude ${latitude} is outside −90..90.`, field: join(path, 'latitude') });
  if (longitude < -180 || longitude > 180)
    throw gatewayError('invalid_coordinates', { detail: `Longitude ${longitude} is outside −180..180.`, field: join(path, 'longitude') });
  optionalString(location, 'name', path);
  optionalString(location, 'address', path);
  return { ...location, latitude, longitude };
}

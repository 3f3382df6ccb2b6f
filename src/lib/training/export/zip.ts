// A minimal ZIP writer (stored, no compression) for the model download: model.json, weights.bin and
// README.md in one file the browser saves at once. Float32 weights hardly compress, so storing them
// costs little. Format: PKWARE APPNOTE, local headers + central directory + end record, CRC-32 (IEEE).
// No tfjs and no DOM here.

export interface ZipEntry {
	name: string;
	data: Uint8Array;
}

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

export function crc32(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

/** MS-DOS time and date fields of `when` (2-second resolution, local time as ZIP expects). */
function dosDateTime(when: Date): { time: number; date: number } {
	const year = Math.max(1980, when.getFullYear());
	return {
		time: (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2),
		date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate()
	};
}

/** The bytes of a ZIP archive holding `entries` uncompressed. Names are UTF-8 (flag bit 11). */
export function zipStored(entries: ZipEntry[], when = new Date()): Uint8Array {
	const encoder = new TextEncoder();
	const { time, date } = dosDateTime(when);
	const locals: Uint8Array[] = [];
	const centrals: Uint8Array[] = [];
	let offset = 0;
	for (const entry of entries) {
		const name = encoder.encode(entry.name);
		const crc = crc32(entry.data);
		const size = entry.data.length;
		if (size >= 0xffffffff || offset >= 0xffffffff)
			throw new Error('zipStored: archives over 4 GiB need ZIP64');
		const local = new DataView(new ArrayBuffer(30));
		local.setUint32(0, 0x04034b50, true); // local file header signature
		local.setUint16(4, 20, true); // version needed: 2.0
		local.setUint16(6, 0x0800, true); // UTF-8 names
		local.setUint16(8, 0, true); // method: stored
		local.setUint16(10, time, true);
		local.setUint16(12, date, true);
		local.setUint32(14, crc, true);
		local.setUint32(18, size, true); // compressed size
		local.setUint32(22, size, true); // uncompressed size
		local.setUint16(26, name.length, true);
		local.setUint16(28, 0, true); // extra field length
		locals.push(new Uint8Array(local.buffer), name, entry.data);

		const central = new DataView(new ArrayBuffer(46));
		central.setUint32(0, 0x02014b50, true); // central directory header signature
		central.setUint16(4, 20, true); // version made by
		central.setUint16(6, 20, true); // version needed
		central.setUint16(8, 0x0800, true);
		central.setUint16(10, 0, true);
		central.setUint16(12, time, true);
		central.setUint16(14, date, true);
		central.setUint32(16, crc, true);
		central.setUint32(20, size, true);
		central.setUint32(24, size, true);
		central.setUint16(28, name.length, true);
		// extra, comment, disk number, internal and external attributes stay 0
		central.setUint32(42, offset, true); // where the local header starts
		centrals.push(new Uint8Array(central.buffer), name);
		offset += 30 + name.length + size;
	}
	const directorySize = centrals.reduce((sum, part) => sum + part.length, 0);
	const end = new DataView(new ArrayBuffer(22));
	end.setUint32(0, 0x06054b50, true); // end of central directory signature
	end.setUint16(8, entries.length, true); // entries on this disk
	end.setUint16(10, entries.length, true); // entries in total
	end.setUint32(12, directorySize, true);
	end.setUint32(16, offset, true); // where the central directory starts
	const parts = [...locals, ...centrals, new Uint8Array(end.buffer)];
	const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
	let at = 0;
	for (const part of parts) {
		out.set(part, at);
		at += part.length;
	}
	return out;
}

// A small writer of TensorFlow GraphDef JSON, the topology inside a TensorFlow.js GraphModel's
// model.json ("format": "graph-model"). TensorFlow.js's converter normally writes these files; the lab
// writes one directly for models that tf.layers cannot express (transformer-graph.ts). Nodes follow
// the GraphDef protobuf's JSON form: `op` is a TensorFlow op name, `input` names producer nodes
// ("node" or "node:k" for a node's k-th output), `attr` holds typed values ({ b }, { i }, { type },
// { shape }). Every constant is a Const node whose values live in the weights file, as the
// converter stores them.
import type * as tf from '@tensorflow/tfjs';

type TfDtype = 'DT_FLOAT' | 'DT_INT32';
type AttrValue =
	| { b: boolean }
	| { i: string }
	| { type: TfDtype }
	| { shape: TensorShapeJson }
	| { tensor: { dtype: TfDtype; tensorShape: TensorShapeJson } };

interface TensorShapeJson {
	/** Sizes as decimal strings (int64 in protobuf JSON); "-1" is a size known only at run time. */
	dim: { size: string }[];
}

interface GraphNode {
	name: string;
	op: string;
	input: string[];
	attr: Record<string, AttrValue>;
}

interface ConstData {
	spec: tf.io.WeightsManifestEntry;
	values: Float32Array | Int32Array;
}

const DTYPES = { float32: 'DT_FLOAT', int32: 'DT_INT32' } as const;

function shapeJson(shape: readonly number[]): TensorShapeJson {
	return { dim: shape.map((size) => ({ size: String(size) })) };
}

export class GraphDefBuilder {
	private readonly nodes: GraphNode[] = [];
	private readonly consts: ConstData[] = [];
	private readonly names = new Set<string>();

	private add(node: GraphNode): string {
		if (this.names.has(node.name)) throw new Error(`the graph already has a node named ${node.name}`);
		this.names.add(node.name);
		this.nodes.push(node);
		return node.name;
	}

	placeholder(name: string, dtype: 'float32' | 'int32', shape: readonly number[]): string {
		return this.add({
			name,
			op: 'Placeholder',
			input: [],
			attr: { dtype: { type: DTYPES[dtype] }, shape: { shape: shapeJson(shape) } }
		});
	}

	/** A constant; its values go to the weights file under the node's name. */
	constant(
		name: string,
		values: Float32Array | Int32Array,
		shape: readonly number[],
		dtype: 'float32' | 'int32' = values instanceof Int32Array ? 'int32' : 'float32'
	): string {
		const size = shape.reduce((a, b) => a * b, 1);
		if (values.length !== size) {
			throw new Error(
				`constant ${name} has ${values.length} values, its shape [${shape.join(', ')}] holds ${size}`
			);
		}
		this.consts.push({ spec: { name, shape: [...shape], dtype }, values });
		return this.add({
			name,
			op: 'Const',
			input: [],
			attr: {
				dtype: { type: DTYPES[dtype] },
				value: { tensor: { dtype: DTYPES[dtype], tensorShape: shapeJson(shape) } }
			}
		});
	}

	/** A scalar float32 constant. */
	scalar(name: string, value: number): string {
		return this.constant(name, Float32Array.of(value), []);
	}

	/** A 1-D int32 constant (axes, permutations, shapes). */
	ints(name: string, values: readonly number[]): string {
		return this.constant(name, Int32Array.from(values), [values.length]);
	}

	op(name: string, op: string, input: string[], attr: Record<string, AttrValue> = {}): string {
		return this.add({ name, op, input, attr });
	}

	/** The GraphDef JSON and the weights: manifest entries in node order and their bytes, little-endian. */
	finish(): { graph: object; weightSpecs: tf.io.WeightsManifestEntry[]; weightData: Uint8Array } {
		const bytes = this.consts.reduce((sum, c) => sum + c.values.byteLength, 0);
		const weightData = new Uint8Array(bytes);
		let offset = 0;
		for (const c of this.consts) {
			// Typed arrays are little-endian on every platform a browser runs on.
			weightData.set(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength), offset);
			offset += c.values.byteLength;
		}
		return {
			// `versions.producer` is the GraphDef version the converter stamps on the graphs it writes.
			graph: { node: this.nodes, library: {}, versions: { producer: 1482 } },
			weightSpecs: this.consts.map((c) => c.spec),
			weightData
		};
	}
}

export const FLOAT: { T: AttrValue } = { T: { type: 'DT_FLOAT' } };
